package io.jselectors.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * What one {@link EchoLoad} run does: where to connect, how many connections, how many messages
 * each keeps in flight, how big they are and for how long.
 *
 * <p>Only loopback addresses are accepted: a load generator that can be pointed at another host is
 * a flood tool, and our numbers are only comparable on one machine anyway. Host names other than
 * {@code localhost} are refused without a DNS lookup.
 *
 * @param address the echo server, always a loopback address
 * @param connections how many connections ({@code -c})
 * @param depth messages each connection keeps in flight ({@code -d})
 * @param size bytes per message ({@code -s})
 * @param seconds how long the measurement lasts ({@code -t})
 * @param warmupSeconds how long the load runs before the measurement starts ({@code -w})
 * @param selector the backend to open, or {@code null} for {@code Selector.open()}'s choice
 * @param serverPid the server's process id, whose CPU time is read from {@code /proc} during the
 *     measurement ({@code --server-pid}, Linux only), or 0 for none
 */
public record EchoLoadOptions(
        InetSocketAddress address,
        int connections,
        int depth,
        int size,
        double seconds,
        double warmupSeconds,
        String selector,
        long serverPid) {

    /** Default server port: the one the shared scripts' examples use. */
    public static final int DEFAULT_PORT = 9000;

    /** Upper bound on connections: each costs an fd, and the default soft fd limit is 1024. */
    public static final int MAX_CONNECTIONS = 10_000;

    /** Upper bound on messages in flight per connection, so bytes in flight stay bounded. */
    public static final int MAX_DEPTH = 1024;

    /** Upper bound on the message size (16 MiB). */
    public static final int MAX_SIZE = 16 << 20;

    /** Upper bound on the measured duration: every run must stop by itself within the hour. */
    public static final double MAX_SECONDS = 3600;

    /** Upper bound on the warm-up. */
    public static final double MAX_WARMUP_SECONDS = 600;

    static final String USAGE = """
            usage: EchoLoad [-c CONNECTIONS] [-d DEPTH] [-s SIZE] [-t SECONDS] [-w WARMUP_SECONDS]
                            [--host 127.0.0.1] [-p PORT] [--selector NAME] [--server-pid PID]
              -c  connections (default 100)            -d  messages in flight per connection (default 1)
              -s  message size in bytes (default 64)   -t  measured seconds (default 10)
              -w  warm-up seconds, not measured (default 1)
              --host  loopback address only (default 127.0.0.1)  -p  port (default 9000)
              --selector  backend to use (epoll, kqueue, poll, select, nio); default: the best one
              --server-pid  also report that process's CPU time per round trip (Linux /proc)
            """;

    /** Validates the fields; see the {@code MAX_} constants for the limits. */
    public EchoLoadOptions {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback address " + address.getAddress().getHostAddress()
                    + ": EchoLoad only talks to this machine");
        }
        check("-c (connections)", connections, 1, MAX_CONNECTIONS);
        check("-d (depth)", depth, 1, MAX_DEPTH);
        check("-s (size)", size, 1, MAX_SIZE);
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
            throw new IllegalArgumentException("-t (seconds) must be in (0, " + (int) MAX_SECONDS + "], got " + seconds);
        }
        if (!(warmupSeconds >= 0 && warmupSeconds <= MAX_WARMUP_SECONDS)) {
            throw new IllegalArgumentException(
                    "-w (warm-up seconds) must be in [0, " + (int) MAX_WARMUP_SECONDS + "], got " + warmupSeconds);
        }
        if (serverPid < 0) {
            throw new IllegalArgumentException("--server-pid must be a process id, got " + serverPid);
        }
    }

    /**
     * Parses command-line arguments; anything not given takes the default of {@link #USAGE}.
     *
     * @throws IllegalArgumentException for an unknown flag, a missing or malformed value, a value
     *     out of range or a non-loopback host
     */
    public static EchoLoadOptions parse(String... args) {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        int connections = 100;
        int depth = 1;
        int size = 64;
        double seconds = 10;
        double warmup = 1;
        String selector = null;
        long serverPid = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "-c" -> connections = parseInt(flag, value);
                case "-d" -> depth = parseInt(flag, value);
                case "-s" -> size = parseInt(flag, value);
                case "-t" -> seconds = parseDouble(flag, value);
                case "-w" -> warmup = parseDouble(flag, value);
                case "-p", "--port" -> port = parseInt(flag, value);
                case "--host" -> host = value;
                case "--selector" -> selector = value;
                case "--server-pid" -> serverPid = parseInt(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("-p (port) must be in [1, 65535], got " + port);
        }
        return new EchoLoadOptions(new InetSocketAddress(loopback(host), port), connections, depth, size, seconds,
                warmup, selector, serverPid);
    }

    /** Resolves {@code host} without DNS: an IP literal or {@code localhost}. */
    static InetAddress loopback(String host) {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return InetAddress.getLoopbackAddress();
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--host must be an IP address or localhost, got " + host, e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback address " + host + ": EchoLoad only talks to this machine");
        }
        return address;
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
