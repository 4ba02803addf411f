package io.herald.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class HeaderFirewallTest {

    /** The rule StrictHttpFirewall applies to header names and values by default. */
    private static final Pattern DEFAULT_RULE = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void shouldDecideEveryHeaderAsTheFirewallsDefaultRuleDoes() {
        List<String> samples = List.of("", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "application/cloudevents+json",
                "tab\there", "new\nline", "nul\u0000", "del\u007f", "c1\u0085", "latin ÆØÅ æøå", "nbsp\u00a0",
                "emoji \uD83D\uDE00", "lone \uD800 surrogate", "unassigned \u0378", "private \uE000", "zero width \u200B",
                "line separator \u2028", "bom \uFEFF");
        for (String sample : samples) {
            assertThat(HeaderFirewall.assignedAndNotControl(sample)).as(sample).isEqualTo(DEFAULT_RULE.matcher(sample).matches());
        }
    }

    @Test
    void shouldAgreeWithTheDefaultRuleOnRandomText() {
        Random random = new Random(16);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                int pick = random.nextInt(4);
                int codePoint = pick == 0 ? random.nextInt(0x80) : pick == 1 ? random.nextInt(0x800)
                        : pick == 2 ? random.nextInt(0x10000) : random.nextInt(0x110000);
                text.appendCodePoint(codePoint);
            }
            String sample = text.toString();
            assertThat(HeaderFirewall.assignedAndNotControl(sample)).as("%s", sample.codePoints().boxed().toList())
                    .isEqualTo(DEFAULT_RULE.matcher(sample).matches());
        }
    }
}
