package io.herald.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.herald.api.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is generated from the code and covers it: every path and method a
 * controller maps is in {@code /v3/api-docs}, which anyone may read without a token.
 */
class OpenApiDocumentIT extends ApiTestSupport {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Test
    void shouldServeAnOpenApi31DocumentWithoutAToken() {
        Response document = get("/v3/api-docs", null);

        assertThat(document.status()).as(document.body()).isEqualTo(200);
        assertThat(document.json().get("openapi").asString()).startsWith("3.1");
        assertThat(document.json().get("paths").size()).isPositive();
    }

    @Test
    void shouldDescribeEveryPathAndMethodThatAControllerMaps() {
        JsonNode paths = get("/v3/api-docs", null).json().get("paths");
        List<String> mapped = new ArrayList<>();
        Set<String> missing = new TreeSet<>();

        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (!isHeralds(handler)) {
                return;
            }
            for (String path : patterns(info)) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    String operation = method.name().toLowerCase(Locale.ROOT);
                    mapped.add(operation + " " + path);
                    if (paths.get(path) == null || paths.get(path).get(operation) == null) {
                        missing.add(method + " " + path + " (" + handler.getShortLogMessage() + ")");
                    }
                }
            }
        });

        assertThat(mapped).as("the controllers were found").hasSizeGreaterThan(20);
        assertThat(missing).as("mapped by a controller but not in /v3/api-docs").isEmpty();
    }

    /**
     * Publishing answers one receipt for a single event and an array of them for a batch: the document says both, though
     * the single event's receipt is written by Herald itself rather than returned for Spring to convert.
     */
    @Test
    void shouldDescribeBothAnswersOfPublishing() {
        JsonNode answer = get("/v3/api-docs", null).json().get("paths").get("/events/api/v1/events").get("post")
                .get("responses").get("200").get("content").get("application/json").get("schema");

        assertThat(answer.toString()).contains("\"$ref\":\"#/components/schemas/Receipt\"")
                .contains("\"type\":\"array\"");
        assertThat(answer.get("oneOf")).as(answer.toString()).isNotNull();
        assertThat(answer.get("oneOf").valueStream().map(JsonNode::toString))
                .anySatisfy(schema -> assertThat(schema).isEqualTo("{\"$ref\":\"#/components/schemas/Receipt\"}"));
    }

    @Test
    void shouldServeSwaggerUiInTheLocalProfileWithoutAToken() {
        Response ui = get("/swagger-ui/index.html", null);

        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");
    }

    private static boolean isHeralds(HandlerMethod handler) {
        return handler.getBeanType().getPackageName().startsWith("io.herald.");
    }

    /** The mapping's path patterns as OpenAPI writes them: variables without their regular expressions. */
    private static Set<String> patterns(RequestMappingInfo info) {
        Set<String> patterns = new TreeSet<>();
        for (String pattern : info.getPatternValues()) {
            patterns.add(pattern.replaceAll("\\{([^}:]+):[^}]*}", "{$1}"));
        }
        return patterns;
    }
}
