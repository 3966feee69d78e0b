package io.jselectors.protocol.http.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves host names before the event loop starts. Java has no non-blocking resolver ({@code
 * InetAddress} blocks in getaddrinfo), so every distinct name is looked up at once, each on its
 * own virtual thread, and the caller waits for all of them up to one deadline; the loop itself
 * never blocks on DNS.
 *
 * <p>Two kinds of names never reach the resolver: IP literals, and names under {@code .invalid},
 * which RFC 6761 section 6.4 reserves as never resolving (so no query leaves the machine for them).
 * A lookup that outlives the deadline is abandoned: its virtual thread finishes on its own, and
 * the host is reported as timed out.
 */
final class HostResolver {

    private HostResolver() {}

    /** The addresses of one host, in the resolver's order, or why there are none. */
    record Resolution(List<InetAddress> addresses, String error) {
        static Resolution failed(String error) {
            return new Resolution(List.of(), error);
        }
    }

    /** Resolves every host in {@code hosts} (duplicates looked up once) within {@code timeout}. */
    static Map<String, Resolution> resolveAll(Collection<String> hosts, Duration timeout) {
        Map<String, Resolution> done = new LinkedHashMap<>();
        Map<String, Future<InetAddress[]>> lookups = new LinkedHashMap<>();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (String host : hosts) {
                if (done.containsKey(host) || lookups.containsKey(host)) {
                    continue;
                }
                Resolution local = withoutLookup(host);
                if (local != null) {
                    done.put(host, local);
                } else {
                    lookups.put(host, executor.submit(() -> InetAddress.getAllByName(host)));
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<String, Future<InetAddress[]>> e : lookups.entrySet()) {
                done.put(e.getKey(), await(e.getKey(), e.getValue(), deadline, timeout));
            }
        } finally {
            // Not close(): that would wait for a lookup that hangs. Virtual threads do not keep the JVM up.
            executor.shutdownNow();
        }
        return done;
    }

    /** The answer for names that need no lookup, or {@code null} if the resolver must be asked. */
    static Resolution withoutLookup(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.equals("invalid") || lower.endsWith(".invalid")) {
            return Resolution.failed("unknown host " + host + " (.invalid names never resolve, RFC 6761; not looked up)");
        }
        try {
            return new Resolution(List.of(InetAddress.ofLiteral(host)), null);
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    private static Resolution await(String host, Future<InetAddress[]> lookup, long deadline, Duration timeout) {
        try {
            InetAddress[] addresses = lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Resolution(List.of(addresses), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                return Resolution.failed("unknown host " + host + " (DNS lookup failed: UnknownHostException)");
            }
            return Resolution.failed("DNS lookup of " + host + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            lookup.cancel(true);
            return Resolution.failed("DNS lookup of " + host + " timed out after " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Resolution.failed("DNS lookup of " + host + " interrupted");
        }
    }
}
