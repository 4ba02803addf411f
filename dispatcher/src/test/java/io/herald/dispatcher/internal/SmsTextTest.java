package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SmsTextTest {

    @Test
    void aTextInTheGsmAlphabetFillsOneMessageUpTo160Characters() {
        String text = "Æ".repeat(160);

        assertThat(SmsText.encoding(text)).isEqualTo(SmsText.Encoding.GSM_7);
        assertThat(SmsText.parts(text)).containsExactly(text);
    }

    @Test
    void extensionCharactersCountTwiceSoTheyAreNeverSplitFromTheirEscape() {
        assertThat(SmsText.units("a".repeat(152) + "€" + "b")).isEqualTo(155);
        assertThat(SmsText.parts("a".repeat(152) + "€" + "b")).hasSize(1);

        String text = "a".repeat(152) + "€" + "b".repeat(7);

        assertThat(SmsText.parts(text)).containsExactly("a".repeat(152), "€" + "b".repeat(7));
    }

    @Test
    void aLongerGsmTextIsSplitInto153SeptetParts() {
        String text = "x".repeat(161);

        assertThat(SmsText.parts(text)).extracting(String::length).containsExactly(153, 8);
    }

    @Test
    void oneCharacterOutsideTheGsmAlphabetMakesTheTextUcs2With70CharactersAMessage() {
        String seventy = "ž" + "a".repeat(69);

        assertThat(SmsText.encoding(seventy)).isEqualTo(SmsText.Encoding.UCS_2);
        assertThat(SmsText.parts(seventy)).containsExactly(seventy);
        assertThat(SmsText.parts(seventy + "b")).extracting(String::length).containsExactly(67, 4);
    }

    @Test
    void aSurrogatePairIsNeverSplitBetweenParts() {
        String text = "a".repeat(66) + "😀" + "b".repeat(10);

        List<String> parts = SmsText.parts(text);

        assertThat(parts.get(0)).isEqualTo("a".repeat(66));
        assertThat(parts.get(1)).startsWith("😀");
        assertThat(String.join("", parts)).isEqualTo(text);
    }
}
