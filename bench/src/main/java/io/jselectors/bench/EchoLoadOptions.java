package io.jselectors.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;

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
        LoadArgs.checkLoopback(address, "EchoLoad");
        LoadArgs.check("-c (connections)", connections, 1, MAX_CONNECTIONS);
        LoadArgs.check("-d (depth)", depth, 1, MAX_DEPTH);
        LoadArgs.check("-s (size)", size, 1, MAX_SIZE);
        LoadArgs.checkDurations(seconds, warmupSeconds);
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
        LoadArgs common = new LoadArgs(DEFAULT_PORT);
        int size = 64;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = LoadArgs.valueAfter(args, i++);
            if (flag.equals("-s")) {
                size = LoadArgs.parseInt(flag, value);
            } else if (!common.accept(flag, value)) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new EchoLoadOptions(common.address(), common.connections, common.depth, size, common.seconds,
                common.warmup, common.selector, common.serverPid);
    }

    /** Resolves {@code host} without DNS: an IP literal or {@code localhost}. */
    static InetAddress loopback(String host) {
        return LoadArgs.loopback(host);
    }
}
