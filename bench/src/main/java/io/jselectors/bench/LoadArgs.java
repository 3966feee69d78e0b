package io.jselectors.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * The command-line flags and checks {@link EchoLoadOptions} and {@link HttpLoadOptions} share:
 * where to connect (loopback only), how many connections and requests in flight, for how long, on
 * which selector, watching which server process. Each options parser feeds its flags here first
 * and handles the rest itself.
 */
final class LoadArgs {

    String host = "127.0.0.1";
    int port;
    int connections = 100;
    int depth = 1;
    double seconds = 10;
    double warmup = 1;
    String selector;
    long serverPid;

    LoadArgs(int defaultPort) {
        this.port = defaultPort;
    }

    /** The value after {@code args[i]}. */
    static String valueAfter(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException("missing value after " + args[i]);
        }
        return args[i + 1];
    }

    /** Takes one of the shared flags; {@code false} if {@code flag} is not one of them. */
    boolean accept(String flag, String value) {
        switch (flag) {
            case "-c" -> connections = parseInt(flag, value);
            case "-d" -> depth = parseInt(flag, value);
            case "-t" -> seconds = parseDouble(flag, value);
            case "-w" -> warmup = parseDouble(flag, value);
            case "-p", "--port" -> port = parseInt(flag, value);
            case "--host" -> host = value;
            case "--selector" -> selector = value;
            case "--server-pid" -> serverPid = parseInt(flag, value);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The port checked, the host resolved without DNS and refused unless loopback. */
    InetSocketAddress address() {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("-p (port) must be in [1, 65535], got " + port);
        }
        return new InetSocketAddress(loopback(host), port);
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

    /** Refuses a non-loopback {@code address}; {@code tool} names the generator in the message. */
    static void checkLoopback(InetSocketAddress address, String tool) {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback address " + address.getAddress().getHostAddress()
                    + ": " + tool + " only talks to this machine");
        }
    }

    /** Checks the measured and warm-up durations against {@link EchoLoadOptions}'s limits. */
    static void checkDurations(double seconds, double warmupSeconds) {
        if (!(seconds > 0 && seconds <= EchoLoadOptions.MAX_SECONDS)) {
            throw new IllegalArgumentException(
                    "-t (seconds) must be in (0, " + (int) EchoLoadOptions.MAX_SECONDS + "], got " + seconds);
        }
        if (!(warmupSeconds >= 0 && warmupSeconds <= EchoLoadOptions.MAX_WARMUP_SECONDS)) {
            throw new IllegalArgumentException("-w (warm-up seconds) must be in [0, "
                    + (int) EchoLoadOptions.MAX_WARMUP_SECONDS + "], got " + warmupSeconds);
        }
    }

    static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    static int parseInt(String flag, String value) {
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
