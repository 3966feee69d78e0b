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
        LoadArgs.checkLoopback(address, "HttpLoad");
        LoadArgs.check("-c (connections)", connections, 1, EchoLoadOptions.MAX_CONNECTIONS);
        LoadArgs.check("-d (depth)", depth, 1, MAX_DEPTH);
        if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH
                || !path.chars().allMatch(ch -> ch > ' ' && ch < 127)) {
            throw new IllegalArgumentException("--path must start with / and be at most " + MAX_PATH
                    + " printable ASCII characters without spaces, got " + path);
        }
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY) {
            throw new IllegalArgumentException("--body is longer than " + MAX_BODY + " bytes");
        }
        LoadArgs.checkDurations(seconds, warmupSeconds);
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
        LoadArgs common = new LoadArgs(DEFAULT_PORT);
        String path = "/hello";
        String body = HELLO;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--any-body")) {
                body = null;
                continue;
            }
            String value = LoadArgs.valueAfter(args, i++);
            switch (flag) {
                case "--path" -> path = value;
                case "--body" -> body = value;
                default -> {
                    if (!common.accept(flag, value)) {
                        throw new IllegalArgumentException("unknown option " + flag);
                    }
                }
            }
        }
        return new HttpLoadOptions(common.address(), common.connections, common.depth, path, body, common.seconds,
                common.warmup, common.selector, common.serverPid);
    }
}
