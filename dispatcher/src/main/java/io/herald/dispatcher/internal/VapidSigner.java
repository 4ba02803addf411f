package io.herald.dispatcher.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * VAPID (RFC 8292): the {@code Authorization: vapid t=…, k=…} header that tells a push service
 * which application server sends. The token is a JWT signed with ES256 (a 64-byte P1363
 * signature, {@code SHA256withECDSAinP1363Format}) whose audience is the push service's origin;
 * {@code k} is the public key the subscriber's browser was given as {@code applicationServerKey}.
 */
final class VapidSigner {

    /** RFC 8292 allows at most 24 hours; half leaves room for clocks that disagree. */
    static final Duration VALIDITY = Duration.ofHours(12);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = BASE64URL.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

    private final ECPrivateKey privateKey;
    private final String publicKey;
    private final String subject;

    /**
     * @param publicKey the uncompressed P-256 public key (65 bytes)
     * @param subject   who to contact about this sender: a {@code mailto:} or {@code https:} URI
     */
    VapidSigner(ECPrivateKey privateKey, byte[] publicKey, String subject) {
        this.privateKey = privateKey;
        this.publicKey = BASE64URL.encodeToString(publicKey);
        this.subject = subject;
    }

    /** The {@code Authorization} header for a request to {@code endpoint} signed at {@code now}. */
    String authorization(URI endpoint, Instant now) {
        String audience = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
        String claims = "{\"aud\":\"" + audience + "\",\"exp\":" + now.plus(VALIDITY).getEpochSecond() + ",\"sub\":\""
                + subject.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        String signingInput = HEADER + "." + BASE64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return "vapid t=" + signingInput + "." + BASE64URL.encodeToString(signature.sign()) + ", k=" + publicKey;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 is required of every JVM but failed: " + e.getMessage(), e);
        }
    }
}
