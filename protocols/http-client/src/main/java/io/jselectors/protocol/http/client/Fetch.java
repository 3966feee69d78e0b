package io.jselectors.protocol.http.client;

import java.net.InetAddress;
import java.util.List;

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
