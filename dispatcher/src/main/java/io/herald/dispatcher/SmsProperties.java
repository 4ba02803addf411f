package io.herald.dispatcher;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code herald.sms.*}: the SMS channel. Without a gateway ({@code gateway: none}, the default)
 * SMS subscriptions cannot be created. Listed in docs/configuration.md; the design is
 * docs/adr/0018-sms-channel.md.
 *
 * @param gateway         {@code none}, {@code twilio} (Twilio's Messages API) or {@code local-fake} (a gateway inside
 *                        Herald that only logs what it would send: for trying SMS on one machine, never elsewhere)
 * @param twilio          the Twilio account messages are sent from
 * @param link            the link a message carries as {@code {link}}, {@code {id}} replaced by the event's id; empty for none
 * @param defaultTemplate the text of an event whose type no template in {@code templates} starts
 * @param templates       type prefix → template; the longest prefix that starts an event's type wins. Placeholders:
 *                        {@code {type}}, {@code {subject}}, {@code {time}}, {@code {id}}, {@code {link}}
 * @param maxParts        the most concatenated parts one message may take; a longer text is cut to fit, ending in …
 * @param rateLimit       how many messages one number gets, and the digest of the rest
 * @param verification    the code that confirms a number
 */
@ConfigurationProperties("herald.sms")
public record SmsProperties(
        @DefaultValue("none") Gateway gateway,
        @DefaultValue Twilio twilio,
        @DefaultValue("") String link,
        @DefaultValue("Herald: {type} for {subject} at {time}. {link}") String defaultTemplate,
        Map<String, String> templates,
        @DefaultValue("3") int maxParts,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Verification verification) {

    /** Which gateway texts are sent through. */
    public enum Gateway {
        NONE, TWILIO, LOCAL_FAKE
    }

    public SmsProperties {
        templates = templates == null ? Map.of() : Map.copyOf(templates);
        if (maxParts < 1 || maxParts > 10) {
            throw new IllegalStateException("herald.sms.max-parts must be 1 to 10 but is " + maxParts);
        }
        if (gateway == Gateway.TWILIO && !twilio.configured()) {
            throw new IllegalStateException("herald.sms.gateway is twilio, so herald.sms.twilio.account-sid, auth-token and "
                    + "from (or messaging-service-sid) must be set");
        }
    }

    /** True when SMS subscriptions can be created and delivered. */
    public boolean enabled() {
        return gateway != Gateway.NONE;
    }

    /**
     * Twilio's Messages API: {@code POST {base-url}/2010-04-01/Accounts/{account-sid}/Messages.json},
     * basic auth with the account SID and auth token.
     *
     * @param baseUrl             where Twilio's REST API is
     * @param accountSid          the account ({@code AC…})
     * @param authToken           the account's auth token: a secret (from the environment or a vault); it also signs
     *                            Twilio's inbound webhooks
     * @param from                the sender number (E.164) or alphanumeric sender id; or leave it out and set
     * @param messagingServiceSid a Messaging Service ({@code MG…}) that picks the sender
     * @param inboundUrl          the public URL Twilio calls for replies (its signature covers the URL); empty: the URL
     *                            the request arrived at, which is wrong behind a proxy that rewrites it
     */
    public record Twilio(
            @DefaultValue("https://api.twilio.com") URI baseUrl,
            String accountSid,
            String authToken,
            String from,
            String messagingServiceSid,
            @DefaultValue("") String inboundUrl) {

        boolean configured() {
            return present(accountSid) && present(authToken) && (present(from) || present(messagingServiceSid));
        }

        private static boolean present(String value) {
            return value != null && !value.isBlank();
        }

        @Override
        public String toString() {
            return "Twilio[baseUrl=" + baseUrl + ", accountSid=" + accountSid + ", from=" + from + ", messagingServiceSid="
                    + messagingServiceSid + ", inboundUrl=" + inboundUrl + "]";
        }
    }

    /**
     * At most {@code perWindow} messages to one number in each {@code window} (counted from its first
     * message); the events beyond are folded into one digest sent when the window ends.
     *
     * @param perWindow      messages per number and window
     * @param window         the window's length
     * @param digestTemplate the digest's text: {@code {count}} the events folded, {@code {link}} the link
     * @param digestLink     what {@code {link}} is in a digest; empty for none
     * @param checkInterval  how often ended windows with folded events are looked for
     */
    public record RateLimit(
            @DefaultValue("10") int perWindow,
            @DefaultValue("1h") Duration window,
            @DefaultValue("Herald: and {count} more events. {link}") String digestTemplate,
            @DefaultValue("") String digestLink,
            @DefaultValue("30s") Duration checkInterval) {

        public RateLimit {
            if (perWindow < 1) {
                throw new IllegalStateException("herald.sms.rate-limit.per-window must be at least 1 but is " + perWindow);
            }
        }
    }

    /**
     * The code texted to a number to confirm it.
     *
     * @param codeTtl        how long a code may be confirmed
     * @param maxTries       wrong codes allowed before the code is void
     * @param resendInterval the least time between two codes to one subscription
     * @param text           the text, {@code {code}} the code and {@code {minutes}} its lifetime
     */
    public record Verification(
            @DefaultValue("10m") Duration codeTtl,
            @DefaultValue("5") int maxTries,
            @DefaultValue("1m") Duration resendInterval,
            @DefaultValue("Your Herald code is {code}. It expires in {minutes} minutes.") String text) {

        public Verification {
            if (maxTries < 1) {
                throw new IllegalStateException("herald.sms.verification.max-tries must be at least 1 but is " + maxTries);
            }
        }
    }

    @Override
    public String toString() {
        return "SmsProperties[gateway=" + gateway + ", twilio=" + twilio + ", maxParts=" + maxParts + ", rateLimit=" + rateLimit + "]";
    }
}
