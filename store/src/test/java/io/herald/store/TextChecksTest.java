package io.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextChecksTest {

    /** The size limit counts what PostgreSQL stores: the UTF-8 bytes, whatever the characters. */
    @ParameterizedTest
    @ValueSource(strings = {"", "ascii only", "søknad om bøker", "\u0800 and \uffff (three bytes each)",
            "a surrogate pair 😀 is four bytes", "mixed: ø € 😀 ascii \u007f \u0080 \u07ff"})
    void shouldCountUtf8BytesAsEncodingWould(String text) {
        assertThat(TextChecks.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
}
