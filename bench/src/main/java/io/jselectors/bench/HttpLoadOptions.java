package io.jselectors.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What one {@link HttpLoad} run does: where to connect, how many keep-alive connections, how many
 * requests each keeps in flight (pipelining depth; 1 = no pipelining), which path to GET, the body
 * every response must carry, and for how long. Loopback only, as {@link EchoLoadOptions}.
 *
 * @param address the HTTP server, always a loopback address
 * @param connections how many connections ({@code -c})
 * @param depth requests each connection keeps in flight ({@code -d}); above 1 they are pipelined
 * @param path the request target ({@code --path}), e.g. {@code /hello}
 * @param body the body every response must have, or {@code null} to accept any ({@code --any-body})
 * @param seconds how long the measurement lasts ({@code -t})
 * @param warmupSeconds how long the load runs before the measurement starts ({@code -w})
 * @param selector the backend to open, or {@code null} for {@code Selector.open()}'s choice
 * @param serverPid the server's process id for CPU per response ({@code --server-pid}), or 0
 */
public record HttpLoadOptions(
        InetSocketAddress address,
        int connections,
        int depth,
        String path,
        String body,
        double seconds,
        double warmupSeconds,
        String selector,
        long serverPid) {

    /** Default server port: the one the shared scripts' HTTP examples use. */
    public static final int DEFAULT_PORT = 9001;

    /** The benchmark route's body. */
    public static final String HELLO = "Hello, World!";

    /** Upper bound on the pipelining depth: wrk's pipeline script is run with 16. */
    public static final int MAX_DEPTH = 256;

    /** Longest path: the request must stay far below the 8 KiB request-line limits of servers. */
    public static final int MAX_PATH = 2048;

    /** Longest expected body: it is compared from memory, and a response head plus it must fit a read. */
    public static final int MAX_BODY = 64 * 1024;

    static final String USAGE = """
            usage: HttpLoad [-c CONNECTIONS] [-d DEPTH] [--path /hello] [--body TEXT | --any-body]
                            [-t SECONDS] [-w WARMUP_SECONDS] [--host 127.0.0.1] [-p PORT]
                            [--selector NAME] [--server-pid PID]
              -c  keep-alive connections (default 100)   -d  requests in flight each, pipelined (default 1)
              --path  request target (default /hello)     --body  expected body (default "Hello, World!")
              --any-body  accept any body (status 200 is still required)
              -t  measured seconds (default 10)          -w  warm-up seconds, not measured (default 1)
              --host  loopback address only (default 127.0.0.1)  -p  port (default 9001)
              --selector  backend to use (epoll, kqueue, poll, select, nio); default: the best one
              --server-pid  also report that process's CPU time per response (Linux /proc)
            """;

    /** Validates the fields; see the {@code MAX_} constants and {@link EchoLoadOptions}'s. */
    public HttpLoadOptions {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback address " + address.getAddress().getHostAddress()
                    + ": HttpLoad only talks to this machine");
        }
        check("-c (connections)", connections, 1, EchoLoadOptions.MAX_CONNECTIONS);
        check("-d (depth)", depth, 1, MAX_DEPTH);
        if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH
                || !path.chars().allMatch(ch -> ch > ' ' && ch < 127)) {
            throw new IllegalArgumentException("--path must start with / and be at most " + MAX_PATH
                    + " printable ASCII characters without spaces, got " + path);
        }
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY) {
            throw new IllegalArgumentException("--body is longer than " + MAX_BODY + " bytes");
        }
        if (!(seconds > 0 && seconds <= EchoLoadOptions.MAX_SECONDS)) {
            throw new IllegalArgumentException("-t (seconds) must be in (0, " + (int) EchoLoadOptions.MAX_SECONDS + "], got " + seconds);
        }
        if (!(warmupSeconds >= 0 && warmupSeconds <= EchoLoadOptions.MAX_WARMUP_SECONDS)) {
            throw new IllegalArgumentException("-w (warm-up seconds) must be in [0, "
                    + (int) EchoLoadOptions.MAX_WARMUP_SECONDS + "], got " + warmupSeconds);
        }
        if (serverPid < 0) {
            throw new IllegalArgumentException("--server-pid must be a process id, got " + serverPid);
        }
    }

    /** The request every connection sends, pre-encoded: HTTP/1.1, keep-alive by default. */
    byte[] request() {
        String host = address.getAddress().getHostAddress();
        host = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + address.getPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses command-line arguments; anything not given takes the default of {@link #USAGE}.
     *
     * @throws IllegalArgumentException for an unknown flag, a missing or malformed value, a value
     *     out of range or a non-loopback host
     */
    public static HttpLoadOptions parse(String... args) {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        int connections = 100;
        int depth = 1;
        String path = "/hello";
        String body = HELLO;
        double seconds = 10;
        double warmup = 1;
        String selector = null;
        long serverPid = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--any-body")) {
                body = null;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "-c" -> connections = parseInt(flag, value);
                case "-d" -> depth = parseInt(flag, value);
                case "-t" -> seconds = parseDouble(flag, value);
                case "-w" -> warmup = parseDouble(flag, value);
                case "-p", "--port" -> port = parseInt(flag, value);
                case "--host" -> host = value;
                case "--path" -> path = value;
                case "--body" -> body = value;
                case "--selector" -> selector = value;
                case "--server-pid" -> serverPid = parseInt(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("-p (port) must be in [1, 65535], got " + port);
        }
        return new HttpLoadOptions(new InetSocketAddress(EchoLoadOptions.loopback(host), port), connections, depth,
                path, body, seconds, warmup, selector, serverPid);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static int parseInt(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs an integer, got " + value, e);
        }
    }

    private static double parseDouble(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got " + value, e);
        }
    }
}
