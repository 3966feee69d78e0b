package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A chat user on the {@code /chat} WebSocket through a foreign client, the JDK's
 * {@link java.net.http.WebSocket}: each text message it sends is one chat line, and each text
 * message it gets (assembled from its parts) is one chat output line. Every wait is bounded by
 * {@link #WAIT} and fails the test when it runs out.
 */
public final class JdkWebSocketChatClient implements AutoCloseable {

    /** How long one wait for the server may take before the test fails as hung (a loaded CI machine is slow). */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    /** Opens a WebSocket to {@code uri} ({@code ws://} or {@code wss://}) with {@code client}; fails if the upgrade does. */
    public JdkWebSocketChatClient(HttpClient client, URI uri) throws Exception {
        socket = client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new Listener())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends one chat line as one text message. */
    public void send(String line) throws Exception {
        socket.sendText(line, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The first message from now that contains {@code text}. */
    public String await(String text) throws Exception {
        while (true) {
            String message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IOException("no WebSocket message with " + text + " within " + WAIT);
            }
            assertThat(message).as("one chat line per message").doesNotContain("\r", "\n");
            if (message.contains(text)) {
                return message;
            }
        }
    }

    /** Sends a close with {@code code} and returns the code the server's close carried. */
    public int closeWith(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Drops the connection if it is still open (no close handshake). */
    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
