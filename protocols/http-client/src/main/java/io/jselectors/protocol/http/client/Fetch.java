package io.jselectors.protocol.http.client;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fetch to do: a URL, which repetition it is, where it may connect, and (once started) its
 * deadline. Lives on the client's loop thread only.
 */
final class Fetch {

    final String text;
    /** The parsed URL, or {@code null} when {@link #error} says why it could not be parsed. */
    final FetchUrl url;
    final int repeat;
    /** The host's addresses, tried in order until one connects. */
    List<InetAddress> addresses = List.of();
    /** Why the fetch cannot even start (bad URL, DNS failure), or {@code null}. */
    String error;
    int nextAddress;
    /** Retries on a fresh connection after a kept-alive one turned out to be closed. */
    int retries;
    boolean started;
    long startNanos;
    long deadlineNanos;

    Fetch(String text, FetchUrl url, int repeat, String error) {
        this.text = text;
        this.url = url;
        this.repeat = repeat;
        this.error = error;
    }

    /**
     * Parses the URLs, resolves their hosts (see {@link HostResolver}), and lists the fetches to do:
     * all URLs once, then all again, {@code repeats} times.
     */
    static List<Fetch> plan(List<String> urls, int repeats, Duration timeout) {
        List<Fetch> pending = new ArrayList<>();
        List<Fetch> firstRound = new ArrayList<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (String text : urls) {
            try {
                FetchUrl url = FetchUrl.parse(text);
                hosts.add(url.host());
                firstRound.add(new Fetch(text, url, 1, null));
            } catch (IllegalArgumentException e) {
                firstRound.add(new Fetch(text, null, 1, e.getMessage()));
            }
        }
        Map<String, HostResolver.Resolution> resolved = HostResolver.resolveAll(hosts, timeout);
        for (int repeat = 1; repeat <= repeats; repeat++) {
            for (Fetch f : firstRound) {
                Fetch fetch = repeat == 1 ? f : new Fetch(f.text, f.url, repeat, f.error);
                if (fetch.url != null) {
                    HostResolver.Resolution r = resolved.get(fetch.url.host());
                    fetch.addresses = r.addresses();
                    fetch.error = r.error();
                }
                pending.add(fetch);
            }
        }
        return pending;
    }

    /** Starts the clock, once: a retry keeps the original start and deadline. */
    void start(long now, long timeoutNanos) {
        if (!started) {
            started = true;
            startNanos = now;
            deadlineNanos = now + timeoutNanos;
        }
    }

    @Override
    public String toString() {
        return text + " #" + repeat;
    }
}
