package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 3, the cap: {@code jselectors serve} in a JVM of its own with a small direct memory
 * cap, and more request bodies arriving than fit under it. The connections that hit the cap are
 * closed, the server goes on answering, and the log says so in one line, not a stack trace per
 * connection.
 */
class DirectMemoryCapTest {

    /** Small enough that {@link #HOGS} bodies of 1 MiB cannot all fit. */
    private static final String CAP = Long.toString(24L << 20);

    /** Connections that each send a 1 MiB body but its last byte, so every body is held. */
    private static final int HOGS = 40;

    private static final int BODY = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void bodiesBeyondTheCapCloseTheirConnectionsWithOneLogLineAndTheServerCarriesOn() throws Exception {
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-D" + DirectMemory.NETTY_PROPERTY + "=" + CAP,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--listen", "http=127.0.0.1:0", "--admin", "off", "--workers", "2")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            InetSocketAddress address = awaitListening(log, server);
            List<Socket> hogs = new ArrayList<>();
            byte[] head = ("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: " + BODY + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[BODY - 1];
            int refused = 0;
            try {
                for (int i = 0; i < HOGS; i++) {
                    Socket hog = new Socket();
                    hogs.add(hog);
                    hog.connect(address);
                    try {
                        OutputStream out = hog.getOutputStream();
                        out.write(head);
                        out.write(body);
                        out.flush();
                    } catch (IOException reset) {
                        refused++; // closed at the cap while still sending
                    }
                }
                // The bodies may still sit in socket buffers: give the server (bounded) time to read them.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(log).contains("direct memory cap reached") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                try (RawClient client = new RawClient(address)) {
                    client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertThat(client.readToEnd()).as("the server still answers").startsWith("HTTP/1.1 200").endsWith("Hello, World!");
                }
            } finally {
                for (Socket hog : hogs) {
                    hog.close();
                }
            }
            String output = Files.readString(log);
            assertThat(output).as("the cap was reached (%d writes failed)", refused).contains("direct memory cap reached");
            assertThat(output).doesNotContain("OutOfDirectMemoryError").doesNotContain("\tat ");
            assertThat(output.split("direct memory cap reached", -1).length - 1)
                    .as("rate-limited: at most one line per %d s", DirectMemory.REPORT_INTERVAL_SECONDS).isLessThanOrEqualTo(3);
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static InetSocketAddress awaitListening(Path log, Process server) throws Exception {
        Pattern listening = Pattern.compile("listening: http on 127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && server.isAlive()) {
            Matcher m = listening.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not start: " + (Files.exists(log) ? Files.readString(log) : "(no output)"));
    }
}
