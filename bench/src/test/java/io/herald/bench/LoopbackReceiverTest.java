package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

class LoopbackReceiverTest {

    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @Test
    void shouldAnswerEveryRequestOfAKeptAliveConnectionAndHandOnEachBody() throws Exception {
        try (LoopbackReceiver receiver = new LoopbackReceiver(body -> bodies.add(new String(body, StandardCharsets.UTF_8)));
             Socket socket = new Socket(receiver.uri.getHost(), receiver.uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            // two requests in one write, then one in two writes split inside its body
            out.write((post("{\"id\":\"a\"}") + post("{\"id\":\"b\"}")).getBytes(StandardCharsets.UTF_8));
            String large = "{\"id\":\"c\",\"data\":\"" + "x".repeat(40_000) + "\"}";
            String third = post(large);
            out.write(third.substring(0, 20_000).getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write(third.substring(20_000).getBytes(StandardCharsets.UTF_8));
            out.flush();

            assertThat(readAnswers(socket.getInputStream(), 3)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n".repeat(3));
            assertThat(bodies).hasSize(3);
            assertThat(bodies.get(0)).isEqualTo("{\"id\":\"a\"}");
            assertThat(bodies.get(1)).isEqualTo("{\"id\":\"b\"}");
            assertThat(bodies.get(2).equals(large)).as("the large body, whole").isTrue();
            assertThat(receiver.received.sum()).isEqualTo(3);
        }
    }

    @Test
    void shouldJoinAChunkedBodyAndAnswerAnExpectedContinue() throws Exception {
        try (LoopbackReceiver receiver = new LoopbackReceiver(body -> bodies.add(new String(body, StandardCharsets.UTF_8)));
             Socket socket = new Socket(receiver.uri.getHost(), receiver.uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /hook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length()), StandardCharsets.ISO_8859_1))
                    .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write("5\r\n{\"id\"\r\nA;ext=1\r\n:\"chunky\"}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            assertThat(readAnswers(in, 1)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
            assertThat(bodies).containsExactly("{\"id\":\"chunky\"}");
        }
    }

    @Test
    void shouldCloseAfterAnsweringARequestThatAsksForIt() throws Exception {
        try (LoopbackReceiver receiver = new LoopbackReceiver(body -> { });
             Socket socket = new Socket(receiver.uri.getHost(), receiver.uri.getPort())) {
            socket.getOutputStream().write("POST /hook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
    }

    @Test
    void shouldServeTheJdkClient() throws Exception {
        try (LoopbackReceiver receiver = new LoopbackReceiver(body -> bodies.add(new String(body, StandardCharsets.UTF_8)))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(receiver.uri)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(response.statusCode()).isEqualTo(204);
            }
            assertThat(bodies).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
        }
    }

    private static String post(String body) {
        return "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String readAnswers(InputStream in, int count) throws IOException {
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        byte[] one = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        answers.write(in.readNBytes(one.length * count));
        return answers.toString(StandardCharsets.ISO_8859_1);
    }
}
