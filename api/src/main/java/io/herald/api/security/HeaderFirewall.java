package io.herald.api.security;

import java.util.function.Predicate;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's strict firewall with the same rule for header names and values, checked without a
 * regular expression. The firewall's default rule, {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, ran its
 * Unicode predicates over every character of every header read — the bearer token's ~900 characters
 * several times a request — and was the largest single cost of a publish (docs/profiles/publish.md).
 * Printable ASCII, nearly every header, is accepted at once; anything else gets the rule's own test.
 */
@Configuration(proxyBeanMethods = false)
class HeaderFirewall {

    /** Every code point assigned and not a control character: the firewall's default rule for header names and values. */
    static final Predicate<String> ASSIGNED_AND_NOT_CONTROL = HeaderFirewall::assignedAndNotControl;

    static boolean assignedAndNotControl(String text) {
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++;
                continue;
            }
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    @Bean
    WebSecurityCustomizer strictFirewallWithoutPatterns() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(ASSIGNED_AND_NOT_CONTROL);
        firewall.setAllowedHeaderValues(ASSIGNED_AND_NOT_CONTROL);
        return web -> web.httpFirewall(firewall);
    }
}
