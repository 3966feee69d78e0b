package io.jselectors.protocol.http.client;

import java.time.Duration;

/**
 * How a {@link FetchClient} runs.
 *
 * @param concurrency most fetches in flight at once, which is also the most connections open
 * @param repeats how many times each URL is fetched
 * @param timeout the longest one fetch may take, connect to last body byte (the DNS lookup,
 *     done before any fetch starts, has its own limit of the same length)
 * @param selector the selector backend to open, or {@code null} for {@code Selector.open()}'s choice
 * @param keepBodyBytes how many bytes of each body to keep in {@link FetchResult#body()} (0: none)
 * @param trust which servers {@code https://} fetches trust
 */
public record FetchOptions(int concurrency, int repeats, Duration timeout, String selector, int keepBodyBytes,
        TlsTrust trust) {

    /** Upper bound on concurrency: each connection costs an fd, and the default soft limit is 1024. */
    public static final int MAX_CONCURRENCY = 1000;

    /** Upper bound on repeats, so that one command line cannot ask for an unbounded run. */
    public static final int MAX_REPEATS = 1_000_000;

    /** Validates the ranges. */
    public FetchOptions {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be in [1, " + MAX_CONCURRENCY + "], got " + concurrency);
        }
        if (repeats < 1 || repeats > MAX_REPEATS) {
            throw new IllegalArgumentException("repeats must be in [1, " + MAX_REPEATS + "], got " + repeats);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
        if (keepBodyBytes < 0) {
            throw new IllegalArgumentException("keepBodyBytes must not be negative");
        }
        java.util.Objects.requireNonNull(trust, "trust");
    }

    /** Options that trust the JDK's trust store for https. */
    public FetchOptions(int concurrency, int repeats, Duration timeout, String selector, int keepBodyBytes) {
        this(concurrency, repeats, timeout, selector, keepBodyBytes, TlsTrust.system());
    }

    /** These options with {@code trust} for https. */
    public FetchOptions withTrust(TlsTrust trust) {
        return new FetchOptions(concurrency, repeats, timeout, selector, keepBodyBytes, trust);
    }

    /** {@code concurrency} fetches at a time, each URL {@code repeats} times, default backend, no bodies kept. */
    public static FetchOptions of(int concurrency, int repeats, Duration timeout) {
        return new FetchOptions(concurrency, repeats, timeout, null, 0);
    }
}
