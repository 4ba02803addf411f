package io.herald.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Makes HTTP requests against Herald's API from the corpus in {@code src/test/resources/fuzz/http}:
 * path templates filled with valid and hostile values, query strings with bad escapes, control
 * characters, long and huge values, odd methods and headers, and bodies that are the corpus's valid
 * requests mutated (members removed, replaced or added; text cut, spliced, or made invalid UTF-8).
 * One seed gives one request, so any failure is reproduced from its seed alone.
 */
final class HttpFuzzer {

    /** One request as it goes on the wire; {@code head} lacks Host, Connection and Content-Length. */
    record Request(long seed, String method, String target, List<String> headers, byte[] body) {

        String head() {
            return method + " " + target + " HTTP/1.1" + (headers.isEmpty() ? "" : "\r\n" + String.join("\r\n", headers));
        }

        @Override
        public String toString() {
            String shown = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return "seed " + seed + ": " + cut(method + " " + target, 300) + " " + headers.stream().map(h -> cut(h, 120)).toList()
                    + (body == null ? "" : " body " + cut(shown, 300));
        }
    }

    private static final List<String> METHODS = List.of("GET", "GET", "GET", "GET", "POST", "POST", "POST", "POST", "DELETE",
            "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get");
    private static final List<String> PARAMETERS = List.of("after", "size", "resource", "subject", "alternativesubject", "type",
            "source", "from", "to", "party", "unit", "status", "until", "storedAfter", "order", "before", "x", "", "%ZZ", "after");
    private static final List<String> HOSTILE = List.of("%ZZ", "%", "%C0%AF", "%E2%82", "%00", "x%00y", "%01", "%7F", "%C2%85",
            "%0D%0A", "%FF%FE", "+", "%20", "-1", "0", "1.5", "1e3", "99999999999999999999", "-99999999999999999999",
            "999999999-1", "0-0", "1-1-1", "-", "9223372036854775807-9223372036854775807", "%2F", "..", "%2e%2e", "%F0%9F%98%80",
            "%C3%A6%C3%B8%C3%A5", "null", "true", "[]", "%7B%7D", "'", "%22", "%3Cscript%3E", "*", "**", "%5C", "%3B");
    private static final List<String> GOOD = List.of("0", "10", "1000", "urn:altinn:resource:app_ttd_fuzz", "/party/50001",
            "app.instance.created", "app.instance.*", "https://ttd.apps.example/ttd/fuzz", "2026-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z", "50001", "910011154", "01017012345", "failed", "dead", "pending");
    private static final List<String> SEGMENTS = List.of("ttd", "skd", "fuzz", "x", "%41", "a%2Fb", "%2e%2e", "..", "%00", "%ZZ",
            "%C3%A6", "%F0%9F%98%80", "1", "0", "-1", "99999999999999999999", "abc", "1e3", "", "%20", ";x", "NaN");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/cloudevents+json",
            "application/cloudevents-batch+json", "application/json; charset=utf-8", "application/json; charset=latin1",
            "application/json; charset=nonsense", "text/plain", "multipart/form-data", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", ";;;", "application/json; charset=\"", "*/*", "application/*", "");
    private static final List<String> ACCEPTS = List.of("*/*", "application/json", "application/problem+json", "text/html", ";;;",
            "application/xml", "application/cloudevents+json", "text/*;q=0.1, */*;q=x", "");
    private static final List<String> ODD_HEADERS = List.of("X-Forwarded-Host: evil.example", "X-Forwarded-Host: a b",
            "X-Forwarded-Host: [::1", "X-Forwarded-Port: abc", "X-Forwarded-Port: 99999999999", "X-Forwarded-Proto: ftp",
            "X-Forwarded-Prefix: /%ZZ", "Forwarded: for=\"[::1\";host=\"", "X-Forwarded-For: 1.2.3.4, not-an-address",
            "Altinn-Party-SocialSecurityNumber: 01017012345", "Altinn-Party-SocialSecurityNumber: 123",
            "Altinn-Party-SocialSecurityNumber: 01017012345, 01017012346", "Altinn-AlternativeSubject: /person/01017012345",
            "ce-specversion: 1.0", "ce-id: x", "Range: bytes=0-1", "If-None-Match: *", "Expect: nothing", "Origin: https://evil.example",
            "Access-Control-Request-Method: DELETE");
    private static final List<String> TEXTS = List.of("\\u0000", "a\\u0000b", "\\ud800", "\\u2028", "1e999", "-0", "0.10000000000000000000000000001",
            "99999999999999999999", "null", "true", "\"\"", "\"%ZZ\"", "\"http://[::1\"", "\"999999999-1\"", "\"2026-13-40T25:61:61Z\"",
            "[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "\"/party/-1\"", "\"urn:\"", "\"ftp://x\"", "\"http://169.254.169.254/\"", "\"*\"");

    private final Map<String, String> tokens;
    private final List<String> paths;
    private final List<String> bodies;

    /** {@code tokens}: bearer tokens by name; one of them, none, or a broken one goes with each request. */
    HttpFuzzer(Map<String, String> tokens) {
        this.tokens = tokens;
        this.paths = resource("paths.txt").lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        this.bodies = List.of("cloudevent.json", "batch.json", "app-event.json", "original-event.json", "subscription.json",
                "party-feed.json", "instance-feed.json", "delegation.json", "replay.json", "token.json").stream()
                .map(name -> resource(name).strip()).toList();
    }

    Request request(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String method = pick(random, METHODS);
        String target = path(random) + query(random);
        List<String> headers = new ArrayList<>();
        authorization(random).ifPresent(headers::add);
        if (random.nextInt(4) > 0) {
            headers.add("Content-Type: " + pick(random, CONTENT_TYPES));
        }
        if (random.nextInt(3) == 0) {
            headers.add("Accept: " + pick(random, ACCEPTS));
        }
        for (int n = random.nextInt(5) == 0 ? 1 + random.nextInt(3) : 0; n > 0; n--) {
            headers.add(pick(random, ODD_HEADERS));
        }
        byte[] body = method.equals("GET") && random.nextInt(10) > 0 || method.equals("HEAD") ? null : body(random);
        return new Request(seed, method, target, headers, body);
    }

    private String path(SplittableRandom random) {
        String path = pick(random, paths);
        path = path.replace("{org}", segment(random, "ttd")).replace("{app}", segment(random, "fuzz"));
        while (path.contains("{guid}")) {
            path = path.replaceFirst("\\{guid}", random.nextInt(3) > 0 ? UUID.randomUUID().toString() : segment(random, "x"));
        }
        while (path.contains("{id}")) {
            path = path.replaceFirst("\\{id}", random.nextInt(2) > 0 ? String.valueOf(1 + random.nextInt(50)) : segment(random, "1"));
        }
        return switch (random.nextInt(12)) {
            case 0 -> path + "/";
            case 1 -> path + "/" + pick(random, SEGMENTS);
            case 2 -> path.replaceFirst("/", "//");
            case 3 -> path + "/" + "a".repeat(100 + random.nextInt(3000));
            default -> path;
        };
    }

    private static String segment(SplittableRandom random, String valid) {
        return random.nextInt(2) == 0 ? valid : pick(random, SEGMENTS);
    }

    private static String query(SplittableRandom random) {
        int count = random.nextInt(10) < 3 ? 0 : random.nextInt(6);
        if (count == 0) {
            return random.nextInt(20) == 0 ? "?" : "";
        }
        var query = new StringBuilder("?");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                query.append(random.nextInt(30) == 0 ? "&&" : "&");
            }
            query.append(pick(random, PARAMETERS));
            if (random.nextInt(15) > 0) {
                query.append('=').append(value(random));
            }
        }
        return query.toString();
    }

    private static String value(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> encode(pick(random, GOOD));
            case 4, 5, 6 -> pick(random, HOSTILE);
            case 7 -> encode(pick(random, GOOD)) + pick(random, HOSTILE);
            case 8 -> "a".repeat(1 + random.nextInt(random.nextInt(4) == 0 ? 4500 : 300));
            default -> String.valueOf(random.nextLong());
        };
    }

    private java.util.Optional<String> authorization(SplittableRandom random) {
        int kind = random.nextInt(10);
        List<String> names = tokens.keySet().stream().sorted().toList();
        String token = tokens.get(pick(random, names));
        return switch (kind) {
            case 0 -> java.util.Optional.empty();
            case 1 -> java.util.Optional.of("Authorization: Bearer " + token.substring(0, random.nextInt(token.length())));
            case 2 -> java.util.Optional.of("Authorization: " + pick(random, List.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz",
                    "Bearer a.b.c", "Bearer " + "x".repeat(3000), "bearer " + token, "Bearer  " + token)));
            default -> java.util.Optional.of("Authorization: Bearer " + token);
        };
    }

    private byte[] body(SplittableRandom random) {
        String text = pick(random, bodies);
        int edits = random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            text = edit(random, text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(25) == 0) {
            bytes = invalidUtf8(random, bytes);
        }
        return random.nextInt(30) == 0 ? new byte[0] : bytes;
    }

    /** A text-level edit that keeps the JSON valid more often than not: a value swapped, a member or a cut. */
    private static String edit(SplittableRandom random, String text) {
        int at = random.nextInt(text.length() + 1);
        return switch (random.nextInt(6)) {
            case 0 -> {
                // replace the value after some colon with a hostile one
                int colon = text.indexOf(':', at);
                if (colon < 0) {
                    yield text;
                }
                int end = valueEnd(text, colon + 1);
                yield text.substring(0, colon + 1) + pick(random, TEXTS) + text.substring(end);
            }
            case 1 -> text.startsWith("{") ? "{\"" + pick(random, List.of("x", "Bad_Name", "id", "data", "endPoint", "party"))
                    + "\":" + pick(random, TEXTS) + "," + text.substring(1) : text;
            case 2 -> text.substring(0, at);
            case 3 -> text.substring(0, at) + pick(random, List.of("\"", "{", "}", "[", ",", ":", "\\", "\u0000", "\u00e6", "\ud83d\ude00"))
                    + text.substring(at);
            case 4 -> "[" + text + "," + text + "]";
            default -> text.replace("ttd", pick(random, List.of("skd", "", "TTD", "t%74d", "ttd/../x")));
        };
    }

    private static int valueEnd(String text, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth-- == 0 || c == ',' && depth == 0) {
                return i;
            }
        }
        return text.length();
    }

    private static byte[] invalidUtf8(SplittableRandom random, byte[] bytes) {
        byte[] bad = pick(random, List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82}));
        int at = random.nextInt(bytes.length + 1);
        byte[] result = new byte[bytes.length + bad.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(bad, 0, result, at, bad.length);
        System.arraycopy(bytes, at, result, at + bad.length, bytes.length - at);
        return result;
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + " chars)";
    }

    private static String resource(String name) {
        try (InputStream in = HttpFuzzer.class.getResourceAsStream("/fuzz/http/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
