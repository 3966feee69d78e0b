package io.jselectors.server.tls;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configured certificate files when they change (checked every {@link
 * #POLL_INTERVAL}) or when asked ({@link #reloadNow}, e.g. on SIGHUP). All pairs are read first
 * and swapped in together; if any file is broken the served set stays as it was and one line says
 * which file and why. Open connections keep their session; new handshakes get the new set.
 */
public final class CertificateReloader implements AutoCloseable {

    /**
     * How often the files' modification times and sizes are compared: cheap (two stats per file),
     * and a renewed certificate is picked up well within a minute.
     */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    /** What a check did. */
    public enum Outcome {
        UNCHANGED, RELOADED, FAILED
    }

    private final List<KeyPairFiles> files;
    private final SniKeyManager keys;
    private final Map<String, String> env;
    private String stamp;
    private ScheduledExecutorService timer;

    /** Watches {@code files}, whose current contents {@code keys} serves. */
    public CertificateReloader(List<KeyPairFiles> files, SniKeyManager keys, Map<String, String> env) {
        this.files = List.copyOf(files);
        this.keys = Objects.requireNonNull(keys, "keys");
        this.env = Map.copyOf(env);
        this.stamp = stamp();
    }

    /** Loads every pair once, failing with the first broken file's one-line reason. */
    public static List<CertifiedKey> loadAll(List<KeyPairFiles> files, Map<String, String> env) throws IOException {
        List<CertifiedKey> loaded = new ArrayList<>(files.size());
        for (KeyPairFiles pair : files) {
            loaded.add(pair.load(env));
        }
        return loaded;
    }

    /** Starts the periodic check on a daemon thread. */
    public synchronized void start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tls-reload").factory());
            long ms = POLL_INTERVAL.toMillis();
            timer.scheduleWithFixedDelay(this::checkForChanges, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads if a file's modification time or size changed since the last load. */
    public synchronized Outcome checkForChanges() {
        String now = stamp();
        return now.equals(stamp) ? Outcome.UNCHANGED : reload(now);
    }

    /** Reloads now whatever the files' times say (SIGHUP). */
    public synchronized Outcome reloadNow() {
        return reload(stamp());
    }

    private Outcome reload(String newStamp) {
        // Remember the stamp even on failure: a broken file is reported once, not every poll.
        stamp = newStamp;
        try {
            List<CertifiedKey> loaded = loadAll(files, env);
            keys.replace(loaded);
            LOG.info("tls: reloaded {} certificate(s): {}", loaded.size(), loaded);
            return Outcome.RELOADED;
        } catch (IOException | RuntimeException e) {
            LOG.warn("tls: reload failed, still serving the previous certificates: {}", e.getMessage());
            return Outcome.FAILED;
        }
    }

    private String stamp() {
        StringBuilder b = new StringBuilder();
        for (KeyPairFiles pair : files) {
            b.append(pair.stamp()).append(';');
        }
        return b.toString();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
