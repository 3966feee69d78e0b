package io.jselectors.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jselectors.posix.Fd;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.Selector;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the documentation's echo server against real clients on 127.0.0.1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoServerExampleTest {

    @Test
    void echoesWhatTwoClientsSend() throws Exception {
        try (Selector sel = Selector.open();
                Fd sock = new Fd(Sockets.listen(new InetSocketAddress("127.0.0.1", 0), 100))) {
            int port = Sockets.localAddress(sock.fileno()).getPort();
            EchoServerExample server = new EchoServerExample(sel);
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try {
                    server.serve(sock);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket first = new Socket("127.0.0.1", port);
                    Socket second = new Socket("127.0.0.1", port)) {
                first.setSoTimeout(10_000);
                second.setSoTimeout(10_000);
                assertEquals("hello", roundTrip(first, "hello"));
                assertEquals("world", roundTrip(second, "world"));
                String big = "x".repeat(900);
                assertEquals(big, roundTrip(first, big));
            }
            server.stop();
            serving.get(10, TimeUnit.SECONDS);
        }
    }

    private static String roundTrip(Socket socket, String text) throws Exception {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(sent);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] got = in.readNBytes(sent.length);
        assertArrayEquals(sent, got);
        return new String(got, StandardCharsets.UTF_8);
    }
}
