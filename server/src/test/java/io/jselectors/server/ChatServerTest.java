package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat protocol over real sockets on 127.0.0.1 with 2 worker loops, so rooms span loops: five
 * clients talk, a slow consumer is dropped while the others carry on, one sender's lines arrive in
 * order, and a shutdown says goodbye.
 */
class ChatServerTest {

    private Server server;

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("native", "epoll"), Arguments.of("nio", "nio"));
    }

    private InetSocketAddress start(String transport, String selector, String maxQueue) throws IOException {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withTransport(transport, selector)
                .withLimits(Duration.ZERO, 1000, Duration.ofSeconds(3))
                .withOptions(Map.of("chat", Map.of("max-queue", maxQueue)));
        server = Server.start(settings, new SimpleMeterRegistry());
        return server.address("chat");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void fiveClientsOnTwoLoopsTalkInOneRoom(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, "1048576");
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Client c = new Client(address);
                clients.add(c);
                c.await("* pick a nick");
                c.send("/nick user" + i);
                c.await("is now known as user" + i);
            }
            clients.get(0).send("hello from zero");
            for (int i = 1; i < 5; i++) {
                clients.get(i).await("[lobby] user0: hello from zero");
            }
            clients.get(3).send("/msg user1 psst");
            clients.get(1).await("[pm] user3: psst");
            clients.get(2).send("/nick user1");
            clients.get(2).await("! ");
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void oneSendersLinesArriveInOrderOnTheOtherLoop(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, "16777216");
        try (Client sender = new Client(address); Client receiver = new Client(address)) {
            sender.await("* pick a nick");
            receiver.await("* pick a nick");
            sender.send("/nick talker");
            receiver.await("is now known as talker");
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                burst.append("line ").append(i).append('\n');
            }
            sender.sendRaw(burst.toString());
            int next = 0;
            while (next < 2000) {
                String line = receiver.readLine();
                if (line.startsWith("[lobby] talker: line ")) {
                    assertEquals("[lobby] talker: line " + next, line);
                    next++;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void slowConsumerIsDroppedWhileOthersCarryOn(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, "65536");
        try (Client talker = new Client(address); Client reader = new Client(address);
                Socket sleeper = new Socket()) {
            sleeper.setReceiveBufferSize(4096);
            sleeper.connect(address); // never reads
            talker.await("* pick a nick");
            reader.await("* pick a nick");
            String chunk = "x".repeat(1000);
            int sent = 0;
            boolean dropped = false;
            // Enough to overflow the sleeper's socket buffers and its 64 KiB queue many times over.
            for (int i = 0; i < 3000 && !dropped; i++) {
                talker.send(chunk + " " + i);
                sent++;
                String line;
                while (!(line = reader.readLine()).contains(": " + chunk + " " + i)) {
                    if (line.contains("disconnected") || line.contains("too slow") || line.contains("slow")) {
                        dropped = true;
                    }
                }
            }
            for (int i = 0; i < 100 && !dropped; i++) {
                talker.send("ping " + i);
                String line;
                while (!(line = reader.readLine()).contains("ping " + i)) {
                    if (line.contains("slow")) {
                        dropped = true;
                    }
                }
            }
            assertThat(dropped).as("the room was told the slow member left (after %d lines)", sent).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void shutdownSaysGoodbyeToConnectedUsers(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, "1048576");
        try (Client a = new Client(address); Client b = new Client(address)) {
            a.await("* pick a nick");
            b.await("* pick a nick");
            server.shutdown();
            a.await("shutting down");
            b.await("shutting down");
            assertThat(a.readLineOrNull()).isNull();
        }
    }

    /** A line client with a blocking socket and a read timeout. */
    private static final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final OutputStream out;

        Client(InetSocketAddress address) throws IOException {
            socket.connect(address);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            sendRaw(line + "\r\n");
        }

        void sendRaw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String readLine() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("server closed the connection");
            }
            return line;
        }

        String readLineOrNull() throws IOException {
            return in.readLine();
        }

        /** Reads lines until one contains {@code text}. */
        String await(String text) throws IOException {
            for (;;) {
                String line = readLine();
                if (line.contains(text)) {
                    return line;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
