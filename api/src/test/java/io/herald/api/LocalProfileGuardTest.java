package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

class LocalProfileGuardTest {

    @Test
    void shouldRefuseToStartTheLocalProfileOnAllInterfaces() {
        var application = new SpringApplication(HeraldApplication.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);

        assertThatThrownBy(() -> application.run("--spring.profiles.active=local", "--server.address=0.0.0.0",
                "--server.port=0", "--herald.local-database.enabled=false",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none", "--spring.flyway.enabled=false"))
                .hasStackTraceContaining("refuses to start")
                .hasStackTraceContaining("0.0.0.0");
    }

    @Test
    void shouldAcceptLoopbackAddressesOnly() {
        assertThat(io.herald.api.security.LocalAddresses.isLoopback("127.0.0.1")).isTrue();
        assertThat(io.herald.api.security.LocalAddresses.isLoopback("::1")).isTrue();
        assertThat(io.herald.api.security.LocalAddresses.isLoopback("localhost")).isTrue();
        assertThat(io.herald.api.security.LocalAddresses.isLoopback("0.0.0.0")).isFalse();
        assertThat(io.herald.api.security.LocalAddresses.isLoopback("10.1.2.3")).isFalse();
        assertThat(io.herald.api.security.LocalAddresses.isLoopback(null)).isFalse();
        assertThat(io.herald.api.security.LocalAddresses.isLoopback("")).isFalse();
    }
}
