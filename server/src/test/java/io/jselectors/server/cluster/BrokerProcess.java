package io.jselectors.server.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker binary (Debian's {@code nats-server} or {@code redis-server}, installed by {@code
 * scripts/install-brokers.sh}) run by the test on 127.0.0.1 and a free port, stopped by its PID.
 * It can be killed (SIGKILL, no goodbye) and started again on the same port.
 */
abstract class BrokerProcess implements AutoCloseable {

    /** How long a broker gets to open its port. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final int port = freePort();
    private final Path log;
    private final List<String> credentials = new java.util.ArrayList<>();
    private final List<String> tls = new java.util.ArrayList<>();
    private Process process;

    BrokerProcess() {
        try {
            log = Files.createTempFile("jselectors-" + binary(), ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command name, looked up on the PATH. */
    abstract String binary();

    /** The command line for {@code port}. */
    abstract List<String> command(String binary, int port);

    /** The broker's own arguments that make it require {@code user} and {@code password}. */
    abstract List<String> requiring(String user, String password);

    /** From the next start on, clients must log in. */
    BrokerProcess withCredentials(String user, String password) {
        credentials.addAll(requiring(user, password));
        return this;
    }

    /** The broker's own arguments that make it serve TLS only, with {@code cert} and {@code key} (PEM). */
    abstract List<String> serving(Path cert, Path key);

    /** From the next start on, the broker speaks TLS only, with this certificate and key. */
    BrokerProcess withTls(Path cert, Path key) {
        tls.addAll(serving(cert, key));
        return this;
    }

    /** The URL instances are given ({@code --option chat.cluster=}), with the TLS scheme if {@code tls}. */
    abstract String url(int port, boolean tls);

    String url() {
        return url(port, !tls.isEmpty());
    }

    int port() {
        return port;
    }

    /** Skips the test (with the reason) when the binary is not installed. */
    static String find(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String d : List.of(dir, "/usr/sbin", "/usr/bin")) {
                File f = new File(d, binary);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        assumeTrue(false, binary + " is not installed: run scripts/install-brokers.sh (as root) first");
        return null;
    }

    BrokerProcess start() throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(command(find(binary()), port));
        command.addAll(credentials);
        command.addAll(tls);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new IOException(binary() + " did not start on port " + port + ": " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
    }

    /** Whether a line of the broker's log so far matches {@code test}. */
    boolean logged(java.util.function.Predicate<String> test) throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.anyMatch(test);
        }
    }

    /** SIGKILL, as a crash: no goodbye to anyone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Debian's nats-server with JetStream (the nick claims live in its key-value store). */
    static final class Nats extends BrokerProcess {
        private final Path store;

        Nats() throws IOException {
            store = Files.createTempDirectory("jselectors-nats");
        }

        @Override
        String binary() {
            return "nats-server";
        }

        @Override
        List<String> command(String binary, int port) {
            return List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", store.toString());
        }

        @Override
        List<String> requiring(String user, String password) {
            return List.of("--user", user, "--pass", password);
        }

        @Override
        List<String> serving(Path cert, Path key) {
            return List.of("--tls", "--tlscert", cert.toString(), "--tlskey", key.toString());
        }

        @Override
        String url(int port, boolean tls) {
            return (tls ? "tls" : "nats") + "://127.0.0.1:" + port;
        }
    }

    /** Debian's redis-server, nothing saved to disk. */
    static final class Redis extends BrokerProcess {
        @Override
        String binary() {
            return "redis-server";
        }

        @Override
        List<String> command(String binary, int port) {
            return List.of(binary, "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save", "",
                    "--appendonly", "no", "--protected-mode", "yes");
        }

        @Override
        List<String> requiring(String user, String password) {
            // An ACL user (AUTH user password), and the default user shut out.
            return List.of("--user", user, "on", ">" + password, "~*", "&*", "+@all", "--user", "default", "off");
        }

        @Override
        List<String> serving(Path cert, Path key) {
            // The port moves to TLS (the later --port 0 closes the plain one); clients need no certificate.
            return List.of("--tls-port", Integer.toString(port()), "--port", "0", "--tls-cert-file", cert.toString(),
                    "--tls-key-file", key.toString(), "--tls-auth-clients", "no");
        }

        @Override
        String url(int port, boolean tls) {
            return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
        }
    }
}
