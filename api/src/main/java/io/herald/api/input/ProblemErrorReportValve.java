package io.herald.api.input;

import java.io.IOException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

import io.herald.api.problem.ProblemWriter;

/**
 * Tomcat's own error answers — a request line or headers too large, a path Tomcat cannot decode —
 * in Herald's problem-details shape instead of Tomcat's HTML page, with one log line and no stack trace.
 * Errors Spring has answered already (a response with a body) are left as they are.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorReportValve.class);

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        HttpStatus answer = known != null ? known : HttpStatus.BAD_REQUEST;
        String detail = answer.is4xxClientError()
                ? "the request could not be read: " + answer.getReasonPhrase().toLowerCase()
                        + " (a malformed request line, path or header, or one too large)"
                : "Herald failed to handle the request; it has been logged";
        log.info("Answered {} to a request Tomcat refused: {}", answer.value(),
                throwable == null ? answer.getReasonPhrase() : throwable.toString());
        try {
            response.reset();
            ProblemWriter.write(response.getResponse(), answer, answer.is4xxClientError() ? "malformed-request" : "internal-error", detail);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client went away or the response was committed meanwhile: nothing more to tell it
        }
    }
}
