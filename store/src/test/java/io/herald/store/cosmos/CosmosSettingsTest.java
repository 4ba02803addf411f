package io.herald.store.cosmos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.herald.store.StoreProperties;

class CosmosSettingsTest {

    private static StoreProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("herald.store", StoreProperties.class);
    }

    @Test
    void shouldDefaultToPostgresAndDocumentedCosmosNames() {
        StoreProperties defaults = StoreProperties.defaults();

        assertThat(defaults.type()).isEqualTo(StoreProperties.Type.POSTGRES);
        assertThat(defaults.cosmos().auth()).isEqualTo(StoreProperties.Cosmos.Auth.KEY);
        assertThat(defaults.cosmos().database()).isEqualTo("herald");
        assertThat(defaults.cosmos().eventsContainer()).isEqualTo("events");
        assertThat(defaults.cosmos().leasesContainer()).isEqualTo("leases");
        assertThat(defaults.cosmos().consistencyLevel()).isEqualTo("SESSION");
    }

    @Test
    void shouldSelectCosmosWithManagedIdentityAndNeedNoKey() {
        StoreProperties properties = bind(Map.of("herald.store.type", "cosmos",
                "herald.store.cosmos.endpoint", "https://account.documents.azure.com:443/",
                "herald.store.cosmos.auth", "managed-identity"));

        assertThat(properties.type()).isEqualTo(StoreProperties.Type.COSMOS);
        properties.cosmos().requireAccount();
    }

    @Test
    void shouldNameTheMissingKeyWhenSigningInWithTheAccountKey() {
        StoreProperties properties = bind(Map.of("herald.store.type", "cosmos",
                "herald.store.cosmos.endpoint", "https://account.documents.azure.com:443/"));

        assertThatIllegalArgumentException().isThrownBy(() -> properties.cosmos().requireAccount())
                .withMessageContaining("herald.store.cosmos.key");
    }

    @Test
    void shouldRefuseThroughputBelowCosmosMinimumNamingTheValue() {
        assertThatThrownBy(() -> bind(Map.of("herald.store.cosmos.throughput", "300")))
                .rootCause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 300");
    }
}
