package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Web Push through the running Herald: a person subscribes a device with the browser's push
 * subscription, and a local push service, holding each device's private keys, decrypts what
 * arrives and checks the VAPID token against Herald's public key. An event for a person reaches
 * that person's device and never another's.
 */
class WebPushApiIT extends ApiTestSupport {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    @Autowired
    private JdbcTemplate jdbc;
    @Value("${herald.web-push.vapid-public-key}")
    private String vapidPublicKey;

    private final String agency = "wp" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String resource = "urn:altinn:resource:app_" + agency + "_push";
    private final String personP = digits(11);
    private final String personQ = digits(11);
    private final String partyP = digits(9);
    private final String partyQ = digits(9);

    /** A browser: its keys, and the plaintexts its push service delivered to it. */
    private record Device(String path, KeyPair keys, byte[] publicKey, byte[] auth, List<String> messages) {
    }

    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final List<String> vapidFailures = new CopyOnWriteArrayList<>();
    private HttpServer pushService;

    @BeforeEach
    void start() throws IOException {
        pushService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pushService.createContext("/push/", exchange -> {
            Device device = devices.get(exchange.getRequestURI().getPath());
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                verifyVapid(exchange.getRequestHeaders().getFirst("Authorization"));
                device.messages().add(new String(decrypt(body, device), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(201, -1);
            } catch (Exception e) {
                vapidFailures.add(e.toString());
                exchange.sendResponseHeaders(400, -1);
            }
            exchange.close();
        });
        pushService.start();
    }

    @AfterEach
    void stop() {
        pushService.stop(0);
    }

    private Device device(String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        Device device = new Device("/push/" + name + UUID.randomUUID(), keys, encode((ECPublicKey) keys.getPublic()), auth,
                new CopyOnWriteArrayList<>());
        devices.put(device.path(), device);
        return device;
    }

    private ObjectNode pushSubscription(Device device, String party) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode push = body.putObject("pushSubscription");
        push.put("endpoint", "http://127.0.0.1:" + pushService.getAddress().getPort() + device.path());
        push.putObject("keys").put("p256dh", BASE64URL.encodeToString(device.publicKey()))
                .put("auth", BASE64URL.encodeToString(device.auth()));
        body.put("resourceFilter", resource);
        body.put("subjectFilter", "/party/" + party);
        return body;
    }

    private String publish(String party, String person) {
        ObjectNode event = cloudEvent(resource);
        String guid = UUID.randomUUID().toString();
        event.put("source", "https://" + agency + ".apps.example/" + agency + "/push/instances/" + party + "/" + guid);
        event.put("subject", "/party/" + party);
        event.put("alternativesubject", "/person/" + person);
        event.put("resourceinstance", party + "/" + guid);
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return event.get("id").asString();
    }

    @Test
    void shouldPushEachPersonsEventsToThatPersonsDeviceAndNeverAnothers() throws Exception {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        String tokenQ = identityToken(Map.of("pid", personQ, "partyId", partyQ));
        Device phoneP = device("p");
        Device phoneQ = device("q");

        Response createdP = post("/events/api/v1/subscriptions", "application/json", pushSubscription(phoneP, partyP).toString(), tokenP);
        assertThat(createdP.status()).as(createdP.body()).isEqualTo(201);
        assertThat(createdP.json().get("channel").asString()).isEqualTo("web-push");
        assertThat(createdP.json().get("status").asString()).as("the browser gave consent: no handshake").isEqualTo("active");
        Response stolen = post("/events/api/v1/subscriptions", "application/json", pushSubscription(phoneQ, partyP).toString(), tokenQ);
        assertThat(stolen.status()).as("Q may not have P's events pushed to its phone").isEqualTo(403);
        Response createdQ = post("/events/api/v1/subscriptions", "application/json", pushSubscription(phoneQ, partyQ).toString(), tokenQ);
        assertThat(createdQ.status()).as(createdQ.body()).isEqualTo(201);
        long subscriptionP = createdP.json().get("id").asLong();
        long subscriptionQ = createdQ.json().get("id").asLong();

        String eventP = publish(partyP, personP);
        String eventQ = publish(partyQ, personQ);

        await().atMost(Duration.ofSeconds(30)).until(() -> !phoneP.messages().isEmpty() && !phoneQ.messages().isEmpty());
        assertThat(vapidFailures).isEmpty();
        assertThat(phoneP.messages()).singleElement().satisfies(message -> assertThat(JSON.readTree(message).get("id").asString())
                .isEqualTo(eventP));
        assertThat(phoneQ.messages()).singleElement().satisfies(message -> assertThat(JSON.readTree(message).get("id").asString())
                .isEqualTo(eventQ));
        assertThat(JSON.readTree(phoneP.messages().get(0)).get("subject").asString()).isEqualTo("/party/" + partyP);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id IN (?, ?)", Integer.class,
                subscriptionP, subscriptionQ)).as("one delivery each, none across").isEqualTo(2);
        JsonNode listed = get("/events/api/v1/subscriptions", tokenP).json();
        assertThat(listed.toString()).contains("\"channel\":\"web-push\"");
    }

    @Test
    void shouldAnswer400NamingTheKeyWhenThePushSubscriptionIsMalformed() throws Exception {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        ObjectNode body = pushSubscription(device("bad"), partyP);
        ((ObjectNode) body.get("pushSubscription").get("keys")).put("p256dh", BASE64URL.encodeToString(new byte[10]));
        body.put("endPoint", "https://example.com/hook");

        Response response = post("/events/api/v1/subscriptions", "application/json", body.toString(), tokenP);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("pushSubscription.keys").contains("endPoint");
    }

    private void verifyVapid(String authorization) throws Exception {
        byte[] key = Base64.getUrlDecoder().decode(vapidPublicKey);
        String[] parts = authorization.substring("vapid ".length()).split(",\\s*");
        assertThat(parts[1]).isEqualTo("k=" + vapidPublicKey);
        String[] jwt = parts[0].substring(2).split("\\.");
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initVerify(publicKey(key));
        signature.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        if (!signature.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
            throw new SecurityException("the VAPID token does not verify against Herald's public key");
        }
        String claims = new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8);
        if (!claims.contains("\"aud\":\"http://127.0.0.1:" + pushService.getAddress().getPort() + "\"")) {
            throw new SecurityException("the VAPID audience is not this push service: " + claims);
        }
    }

    /** RFC 8291 and RFC 8188, as a browser decrypts: written here independently of Herald's sender. */
    private static byte[] decrypt(byte[] body, Device device) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        buffer.get(salt);
        buffer.getInt();
        byte[] senderPublic = new byte[buffer.get() & 0xff];
        buffer.get(senderPublic);
        byte[] record = new byte[buffer.remaining()];
        buffer.get(record);
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(device.keys().getPrivate());
        agreement.doPhase(publicKey(senderPublic), true);
        byte[] prkKey = hmac(device.auth(), agreement.generateSecret());
        byte[] info = ByteBuffer.allocate(14 + 65 + 65 + 1).put("WebPush: info\0".getBytes(StandardCharsets.US_ASCII))
                .put(device.publicKey()).put(senderPublic).put((byte) 1).array();
        byte[] ikm = hmac(prkKey, info);
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = cipher.doFinal(record);
        assertThat(padded[padded.length - 1]).as("the last record's delimiter").isEqualTo((byte) 2);
        return Arrays.copyOf(padded, padded.length - 1);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static PublicKey publicKey(byte[] point) throws Exception {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)), new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, parameters.getParameterSpec(ECParameterSpec.class)));
    }

    private static byte[] encode(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        copy32(key.getW().getAffineX(), out, 1);
        copy32(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static void copy32(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, offset + 32 - length, length);
    }

    private static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(10));
        }
        return digits.toString();
    }
}
