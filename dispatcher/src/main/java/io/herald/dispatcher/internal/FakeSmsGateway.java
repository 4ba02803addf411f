package io.herald.dispatcher.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

import io.herald.subscriptions.PhoneNumbers;

/**
 * {@code herald.sms.gateway: local-fake}: a gateway on this machine's loopback that speaks Twilio's
 * Messages API, sends nothing, and logs each text with the number masked, so a new user can try SMS
 * end to end (the verification code is in the log). Only for the {@code local} profile: the log holds
 * every text, codes included.
 */
final class FakeSmsGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FakeSmsGateway.class);

    private final HttpServer server;

    FakeSmsGateway() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("the local fake SMS gateway could not listen on loopback: " + e.getMessage(), e);
        }
        server.createContext("/2010-04-01/Accounts/", exchange -> {
            String to = null;
            String body = null;
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int equals = pair.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                if (name.equals("To")) {
                    to = value;
                } else if (name.equals("Body")) {
                    body = value;
                }
            }
            log.info("Local fake SMS gateway (nothing is sent) to {}: {}", PhoneNumbers.mask(to), body);
            byte[] answer = ("{\"sid\":\"SM" + UUID.randomUUID().toString().replace("-", "") + "\",\"status\":\"queued\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        log.warn("SMS goes to a local fake gateway that only logs (herald.sms.gateway=local-fake): never outside trying Herald out");
    }

    /** Where the fake's Twilio API is: the base URL for {@link TwilioGateway}. */
    URI baseUrl() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
