package io.herald.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Objects;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

class AuthorizationHeaderTokenTest {

    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();
    private final AuthorizationHeaderToken herald = new AuthorizationHeaderToken();

    @Test
    void shouldResolveEveryHeaderAsSpringSecuritysDefaultResolverDoes() {
        List<String> headers = List.of("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "bearer abc", "BEARER abc==",
                "Bearer abc=", "Bearer abc=d", "Bearer ", "Bearer", "Bearerabc", "Bearer  abc", "Bearer abc ", "Bearer a b",
                "Bearer =", "Bearer ab+/-._~09AZaz", "Bearer ab%", "Bearer æøå", "Basic dXNlcjpwYXNz", "", "Bear abc",
                "Bearer\tabc", "Bearer abc\n", "bEaReR x");
        for (String header : headers) {
            assertSameDecision(header);
        }
        assertSameDecision(null);
    }

    @Test
    void shouldAgreeWithTheDefaultResolverOnRandomHeaders() {
        Random random = new Random(6750);
        String alphabet = "Bbearer RA=z09-._~+/%é\t";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
            int length = random.nextInt(10);
            for (int i = 0; i < length; i++) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertSameDecision(header.toString());
        }
    }

    private void assertSameDecision(String header) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/events/api/v1/events");
        if (header != null) {
            request.addHeader("Authorization", header);
        }
        Outcome expected = outcome(() -> spring.resolve(request));
        Outcome actual = outcome(() -> herald.resolve(request));
        assertThat(actual).as("Authorization: %s", header).isEqualTo(expected);
    }

    private record Outcome(String token, String error) {
    }

    private static Outcome outcome(java.util.function.Supplier<String> resolve) {
        Throwable failure = catchThrowable(resolve::get);
        if (failure == null) {
            return new Outcome(resolve.get(), null);
        }
        assertThat(failure).isInstanceOf(OAuth2AuthenticationException.class);
        var error = ((OAuth2AuthenticationException) failure).getError();
        return new Outcome(null, error.getErrorCode() + ": " + Objects.toString(error.getDescription()));
    }
}
