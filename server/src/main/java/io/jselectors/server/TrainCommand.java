package io.jselectors.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jselectors train}: a bounded training run for a JDK AOT cache (JEP 483/514/515). It starts
 * the server as {@code serve} would, but on ephemeral 127.0.0.1 ports (echo, chat, http, echo over
 * TLS with a self-signed certificate, admin), drives each one briefly from this process (echo round
 * trips, a chat conversation, plain and pipelined HTTP, the chat over WebSocket, TLS handshakes,
 * {@code /metrics}), shuts the server down as SIGTERM would and exits 0; a wrong answer fails it.
 * Run under {@code -XX:AOTCacheOutput=FILE} with the flags and jar path the server will run with,
 * the JVM writes the classes it loaded and linked, the lambdas it spun and the method profiles into
 * FILE, and a server started with {@code -XX:AOTCache=FILE} begins from there.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"A short training run for an AOT cache: serve on ephemeral loopback ports, drive every "
            + "protocol briefly, stop, exit 0.",
            "Use: java -XX:AOTCacheOutput=jselectors.aot -jar jselectors.jar train (docker/Dockerfile does)."})
final class TrainCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    /** How long a phase may wait for one answer before the training fails. */
    private static final int READ_TIMEOUT_MS = 10_000;
    /** How long the server may take to start listening. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Echo and chat messages: the shared load's 64 bytes. */
    private static final int MESSAGE_BYTES = 64;
    /** Requests per pipelined batch: scenario e's depth. */
    private static final int PIPELINE = 16;

    @Option(names = "--phase", paramLabel = "DURATION", defaultValue = "1500ms", converter = DurationConverter.class,
            description = "How long each protocol is driven (default: ${DEFAULT-VALUE}; six phases). Enough for "
                + "the start-up classes and the hot paths' first profiles; longer adds little to the cache.")
    Duration phase;

    @Option(names = "--tls", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            description = "Also train TLS (echo+tls with a self-signed certificate) (default: ${DEFAULT-VALUE}).")
    boolean tls;

    @Option(names = "--strict", description = "Exit 1 if a phase failed (default: say so and go on: the cache is "
            + "still right, only with fewer profiles; an image build should not fail on a loaded machine's timeout).")
    boolean strict;

    /** Phases that failed. */
    private final List<String> failed = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ServeCommand serve = new ServeCommand();
        List<String> args = new ArrayList<>(List.of("--listen", "echo=127.0.0.1:0", "--listen", "chat=127.0.0.1:0",
                "--listen", "http=127.0.0.1:0", "--admin", "127.0.0.1:0", "--drain-timeout", "1s"));
        if (tls) {
            args.addAll(List.of("--listen", "echo+tls=127.0.0.1:0", "--tls-self-signed"));
        }
        new CommandLine(serve).parseArgs(args.toArray(String[]::new));
        Thread serving = Thread.ofPlatform().name("train-serve").start(() -> {
            try {
                serve.call();
            } catch (Exception e) {
                log.error("training server failed", e);
            }
        });
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (serve.shutdown == null) {
            if (!serving.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the training server did not start");
            }
            Thread.sleep(10);
        }
        try {
            Server server = serve.server;
            // Listeners in the order given: plain echo first, then echo+tls (a listener's protocol is "echo").
            phase("echo", () -> echo(server.addresses("echo").get(0), false));
            if (tls) {
                phase("echo over TLS", () -> echo(server.addresses("echo").get(1), true));
            }
            phase("chat", () -> chat(server.address("chat")));
            phase("http", () -> http(server.address("http")));
            phase("WebSocket chat", () -> webSocketChat(server.address("http")));
            phase("admin", () -> metrics(serve.startedAdmin.address("admin")));
        } finally {
            serve.shutdown.run();
            serving.join();
        }
        if (failed.isEmpty()) {
            log.info("training done");
            return 0;
        }
        log.warn("training done, but these phases failed: {}", String.join(", ", failed));
        return strict ? Main.FAILURE : 0;
    }

    @FunctionalInterface
    private interface Phase {
        void run() throws IOException;
    }

    /** Runs one phase; a failure is logged and counted, and the next phase runs. */
    private void phase(String name, Phase phase) {
        try {
            phase.run();
            log.info("trained: {}", name);
        } catch (IOException | RuntimeException e) {
            log.warn("training phase {} failed: {}", name, e.toString());
            failed.add(name);
        }
    }

    private long until() {
        return System.nanoTime() + phase.toNanos();
    }

    /** Round trips of 64 bytes; over TLS a new connection (a full handshake) every 200 of them. */
    private void echo(InetSocketAddress at, boolean tls) throws IOException {
        byte[] message = new byte[MESSAGE_BYTES];
        byte[] back = new byte[MESSAGE_BYTES];
        long end = until();
        while (System.nanoTime() < end) {
            try (Socket s = tls ? tlsConnect(at) : connect(at)) {
                for (int i = 0; i < 200 && System.nanoTime() < end; i++) {
                    message[0] = (byte) i;
                    s.getOutputStream().write(message);
                    s.getInputStream().readNBytes(back, 0, back.length);
                    require(java.util.Arrays.equals(message, back), "echo answered other bytes");
                }
            }
        }
    }

    /** Two members: one names itself and talks, the other hears each line. */
    private void chat(InetSocketAddress at) throws IOException {
        try (Socket talker = connect(at); Socket listener = connect(at)) {
            // Both are in the room once each has had its /who answered: no line goes to a member not there yet.
            for (Socket member : List.of(talker, listener)) {
                send(member, "/who\n");
                readUntil(member.getInputStream(), "* in lobby");
            }
            send(talker, "/nick trainer\n/rooms\n/help\n");
            long end = until();
            for (int i = 0; System.nanoTime() < end; i++) {
                String line = "line " + i;
                send(talker, line + "\n");
                readUntil(listener.getInputStream(), line);
                skipAvailable(talker.getInputStream());
            }
            send(talker, "/quit\n");
        }
    }

    /** GET /hello one at a time and pipelined, a POST with a body, and a 404. */
    private void http(InetSocketAddress at) throws IOException {
        String get = "GET /hello HTTP/1.1\r\nHost: train\r\n\r\n";
        String post = "POST /hello HTTP/1.1\r\nHost: train\r\nContent-Length: 5\r\n\r\nhello";
        String missing = "GET /nothing-here HTTP/1.1\r\nHost: train\r\n\r\n";
        try (Socket s = connect(at)) {
            InputStream in = s.getInputStream();
            long end = until();
            while (System.nanoTime() < end) {
                send(s, get);
                require(readResponse(in).startsWith("HTTP/1.1 200"), "GET /hello was not 200");
                send(s, get.repeat(PIPELINE));
                for (int i = 0; i < PIPELINE; i++) {
                    readResponse(in);
                }
                send(s, post);
                readResponse(in);
                send(s, missing);
                require(readResponse(in).startsWith("HTTP/1.1 404"), "an unknown path was not 404");
            }
        }
    }

    /** The chat over WebSocket on the http listener's /chat: one member talks, the other hears each line. */
    private void webSocketChat(InetSocketAddress at) throws IOException {
        try (Socket talker = webSocket(at); Socket listener = webSocket(at)) {
            for (Socket member : List.of(talker, listener)) {
                sendFrame(member, "/who");
                while (!readFrame(member.getInputStream()).startsWith("* in lobby")) {
                    // the greeting comes first
                }
            }
            sendFrame(talker, "/nick ws-trainer");
            InputStream in = listener.getInputStream();
            long end = until();
            for (int i = 0; System.nanoTime() < end; i++) {
                String line = "ws line " + i;
                sendFrame(talker, line);
                while (!readFrame(in).contains(line)) {
                    // the greetings and the nick change come first
                }
                skipAvailable(talker.getInputStream());
            }
        }
    }

    /** A connection upgraded to WebSocket on /chat. */
    private static Socket webSocket(InetSocketAddress at) throws IOException {
        Socket s = connect(at);
        send(s, "GET /chat HTTP/1.1\r\nHost: train\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        require(readHead(s.getInputStream()).startsWith("HTTP/1.1 101"), "no WebSocket upgrade on /chat");
        return s;
    }

    /** The admin listener's Prometheus scrape and health check. */
    private void metrics(InetSocketAddress at) throws IOException {
        long end = until();
        while (System.nanoTime() < end) {
            for (String path : new String[] {"/metrics", "/healthz"}) {
                try (Socket s = connect(at)) {
                    send(s, "GET " + path + " HTTP/1.1\r\nHost: train\r\nConnection: close\r\n\r\n");
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    require(answer.startsWith("HTTP/1.1 200"), "GET " + path + " was not 200");
                }
            }
        }
    }

    private static Socket connect(InetSocketAddress at) throws IOException {
        Socket s = new Socket();
        s.connect(at, READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    /**
     * A TLS client that trusts any certificate: the server it talks to is the one this process
     * started with a self-signed certificate made in memory, on loopback, for the training only.
     */
    private static Socket tlsConnect(InetSocketAddress at) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAnything()}, new SecureRandom());
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
            s.connect(at, READ_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            s.startHandshake();
            return s;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("no TLS client context: " + e.getMessage(), e);
        }
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One client frame: FIN, text, masked (with a zero mask: the payload goes as it is). */
    private static void sendFrame(Socket s, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        require(payload.length < 126, "a training frame is short");
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), 0, 0, 0, 0});
        out.write(payload);
    }

    /** One server frame's payload as text (server frames are unmasked). */
    private static String readFrame(InputStream in) throws IOException {
        int first = readByte(in);
        int length = readByte(in) & 0x7f;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            throw new IOException("a training answer over 64 KiB");
        }
        require((first & 0x0f) != 0x8, "the server closed the WebSocket");
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("the server closed the connection");
        }
        return b;
    }

    /** A response's head and its Content-Length body; returns the head. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        require(at >= 0, "a response without Content-Length");
        int eol = head.indexOf('\r', at);
        int length = Integer.parseInt(head.substring(at + "content-length:".length(), eol).strip());
        require(in.readNBytes(length).length == length, "a response body cut short");
        return head;
    }

    /** Bytes up to and including the blank line that ends a head. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            head.append((char) readByte(in));
        }
        return head.toString();
    }

    /** Reads lines until one contains {@code text}. */
    private static void readUntil(InputStream in, String text) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = readByte(in);
            if (b != '\n') {
                line.append((char) b);
            } else if (line.indexOf(text) >= 0) {
                return;
            } else {
                line.setLength(0);
            }
        }
    }

    private static void skipAvailable(InputStream in) throws IOException {
        in.skipNBytes(in.available());
    }

    private static void require(boolean condition, String failure) throws IOException {
        if (!condition) {
            throw new IOException("training: " + failure);
        }
    }

    /** Trusts every server certificate: only for the loopback server this command started. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Not a server here.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // The server is this process's own, on loopback, with a certificate made at its start.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
