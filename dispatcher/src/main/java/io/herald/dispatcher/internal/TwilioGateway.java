package io.herald.dispatcher.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.SmsProperties;

/**
 * Twilio's Programmable Messaging REST API:
 * {@code POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json}, form-encoded {@code To},
 * {@code From} (or {@code MessagingServiceSid}) and {@code Body}, HTTP basic auth with the account
 * SID and auth token. Twilio sends a body longer than one SMS as concatenated parts itself.
 *
 * <p>Answers: 2xx sent; 429 and 5xx retried (as are 401, 403 and 404: the account or credentials are
 * misconfigured, which the operator fixes); error 21610 (the number has unsubscribed at Twilio,
 * replying STOP) means the number is gone: the subscription is disabled; any other 4xx (21211: not a
 * valid number, 21614: not a mobile number, …) is refused for good: dead-lettered at once.
 *
 * <p>Inbound webhooks are signed: {@code X-Twilio-Signature} is base64 of HMAC-SHA1, keyed with the
 * auth token, over the URL Twilio called followed by every form parameter sorted by name, each as
 * name and value.
 */
final class TwilioGateway implements SmsGateway {

    static final String SIGNATURE_HEADER = "x-twilio-signature";
    /** Twilio's error for a recipient that has opted out (replied STOP to the sender). */
    static final int UNSUBSCRIBED = 21610;
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*(\\d+)");

    private final URI url;
    private final String authorization;
    private final SmsProperties.Twilio settings;

    TwilioGateway(SmsProperties.Twilio settings) {
        this.settings = settings;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.url = URI.create(base + "/2010-04-01/Accounts/" + URLEncoder.encode(settings.accountSid(), StandardCharsets.UTF_8)
                + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.accountSid() + ":" + settings.authToken()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public URI url() {
        return url;
    }

    @Override
    public DeliveryChannel.Request message(String to, String text) {
        StringBuilder form = new StringBuilder();
        field(form, "To", to);
        if (settings.messagingServiceSid() != null && !settings.messagingServiceSid().isBlank()) {
            field(form, "MessagingServiceSid", settings.messagingServiceSid());
        } else {
            field(form, "From", settings.from());
        }
        field(form, "Body", text);
        return new DeliveryChannel.Request(url, "application/x-www-form-urlencoded",
                form.toString().getBytes(StandardCharsets.UTF_8), Map.of("Authorization", authorization));
    }

    private static void field(StringBuilder form, String name, String value) {
        if (!form.isEmpty()) {
            form.append('&');
        }
        form.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    @Override
    public DeliveryOutcome classify(SendResult result, Instant now) {
        if (!result.answered() || result.status() < 400 || result.status() > 499) {
            return Outcomes.of(result, now);
        }
        int status = result.status();
        if (status == 401 || status == 403 || status == 404 || status == 408 || status == 429) {
            return Outcomes.of(result, now);
        }
        Integer code = errorCode(result.excerpt());
        if (code != null && code == UNSUBSCRIBED) {
            return new DeliveryOutcome.Gone(status, "the number has unsubscribed from Herald's texts at the gateway "
                    + "(it replied STOP; Twilio error 21610)");
        }
        return new DeliveryOutcome.Rejected(status, code == null ? "the SMS gateway refused the message"
                : "the SMS gateway refused the message (Twilio error " + code + ")");
    }

    private static Integer errorCode(String excerpt) {
        if (excerpt == null) {
            return null;
        }
        Matcher matcher = ERROR_CODE.matcher(excerpt);
        return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
    }

    @Override
    public boolean authentic(String url, Map<String, List<String>> form, Map<String, String> headers) {
        String signature = headers.get(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            return false;
        }
        String signedUrl = settings.inboundUrl() == null || settings.inboundUrl().isBlank() ? url : settings.inboundUrl();
        byte[] expected = signature(settings.authToken(), signedUrl, form).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** Base64 of HMAC-SHA1(authToken, url + each parameter's name and value, sorted by name, values in order). */
    static String signature(String authToken, String url, Map<String, List<String>> form) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(form).forEach((name, values) -> values.stream().sorted().forEach(value -> data.append(name).append(value)));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JVM but failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Reply> reply(Map<String, List<String>> form) {
        List<String> from = form.get("From");
        List<String> body = form.get("Body");
        if (from == null || from.isEmpty() || body == null || body.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Reply(from.get(0), body.get(0)));
    }
}
