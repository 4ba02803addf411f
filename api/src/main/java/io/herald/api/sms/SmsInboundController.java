package io.herald.api.sms;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.problem.ApiProblem;
import io.herald.dispatcher.SmsSubscriptions;

/**
 * {@code POST /events/api/v1/sms/inbound}: the SMS gateway's inbound webhook, which it calls with
 * each text sent to Herald's number. No token: the gateway's signature (Twilio:
 * {@code X-Twilio-Signature}) authenticates it; a request whose signature does not verify gets 403.
 * A text saying STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) ends every SMS subscription of the
 * sender's number. The answer is an empty TwiML document: Herald replies nothing itself.
 */
@RestController
class SmsInboundController {

    static final String PATH = "/events/api/v1/sms/inbound";

    private final SmsSubscriptions sms;

    SmsInboundController(SmsSubscriptions sms) {
        this.sms = sms;
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<?> inbound(HttpServletRequest request) throws IOException {
        // the body as sent: Herald's filters buffer bodies, so the servlet's own form parsing would see none
        Map<String, List<String>> form = new LinkedHashMap<>();
        String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decoded(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decoded(pair.substring(equals + 1));
            form.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        String url = request.getRequestURL() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        if (sms.inbound(url, form, headers) == SmsSubscriptions.Inbound.FORGED) {
            ProblemDetail problem = ApiProblem.of(HttpStatus.FORBIDDEN, "forbidden",
                    "the request's gateway signature does not verify");
            return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        return ResponseEntity.ok().contentType(MediaType.TEXT_XML)
                .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
    }

    /** One form field, percent-decoded; a malformed escape (such as {@code %ZZ}) is the sender's error, a 400. */
    private static String decoded(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new io.herald.api.problem.BadRequestException("invalid-body", "", "the form body has a malformed percent-escape");
        }
    }
}
