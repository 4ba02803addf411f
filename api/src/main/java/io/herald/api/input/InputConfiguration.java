package io.herald.api.input;

import org.apache.catalina.core.StandardHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import io.herald.api.problem.ProblemWriter;

/** Malformed requests that never reach a controller get problem details too (see the package description). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InputProperties.class)
class InputConfiguration {

    private static final Logger log = LoggerFactory.getLogger(InputConfiguration.class);

    /** Spring Security's firewall (encoded slashes, '..', control characters in headers, …): 400, one line. */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> {
            log.info("Answered 400 malformed-request to {} {}: {}", request.getMethod(),
                    QueryStrings.printable(request.getRequestURI(), 200), rejected.getMessage());
            ProblemWriter.write(response, HttpStatus.BAD_REQUEST, "malformed-request",
                    "the request was refused as malformed: " + QueryStrings.printable(rejected.getMessage(), 300));
        };
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }
}
