package io.herald.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;

import tools.jackson.databind.json.JsonMapper;

/**
 * JSON answers go out with a {@code Content-Length}, in one write to the socket. Spring's JSON converter
 * streams into the response and flushes it, so Tomcat answered chunked: the head and the body in one write,
 * the closing chunk in a second — a system call and a packet more on every publish (in the profile of
 * single publishes, writes to the socket took a tenth of the request threads' time). Herald's answers are
 * small (a receipt, a feed page of at most a few hundred events, a problem), so each is written into a
 * buffer first and sent with its length.
 */
@Configuration(proxyBeanMethods = false)
class JsonResponseConfiguration {

    /** Takes the place of Spring Boot's JSON converter wherever it stands in the list (after the String converter). */
    @Bean
    ServerHttpMessageConvertersCustomizer sizedJsonResponses(JsonMapper mapper) {
        SizedJsonConverter sized = new SizedJsonConverter(mapper);
        return builder -> builder.configureMessageConvertersList(converters -> converters.replaceAll(
                converter -> converter.getClass() == JacksonJsonHttpMessageConverter.class ? sized : converter));
    }

    /** Spring's JSON converter, writing into a buffer and then the body with its length. */
    static final class SizedJsonConverter extends JacksonJsonHttpMessageConverter {

        SizedJsonConverter(JsonMapper mapper) {
            super(mapper);
        }

        @Override
        protected void writeInternal(Object value, ResolvableType type, HttpOutputMessage output, Map<String, Object> hints)
                throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
            super.writeInternal(value, type, new HttpOutputMessage() {
                @Override
                public OutputStream getBody() {
                    return buffer;
                }

                @Override
                public HttpHeaders getHeaders() {
                    return output.getHeaders();
                }
            }, hints);
            output.getHeaders().setContentLength(buffer.size());
            buffer.writeTo(output.getBody());
        }
    }
}
