package io.jselectors.connection.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How a listener's TLS connections behave.
 *
 * @param handshakeTimeout the whole handshake, waiting for a gate slot included
 * @param alpn application protocols offered, in preference order (empty: no ALPN)
 * @param taskExecutor where the engine's delegated tasks run (off the loops)
 */
public record TlsSettings(Duration handshakeTimeout, List<String> alpn, Executor taskExecutor) {

    /**
     * A handshake is a few round trips: 10 s covers a slow mobile link many times over, yet frees
     * a slot and a socket from a peer that opened a connection and went quiet.
     */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Idle delegated-task threads stop after this long. */
    private static final long TASK_THREAD_KEEP_ALIVE_SECONDS = 30;

    public TlsSettings {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(taskExecutor, "taskExecutor");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, not " + handshakeTimeout);
        }
    }

    /** The threads {@link #newTaskPool()} runs: one per core the JVM may use. */
    public static int taskThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * A pool for delegated tasks: one daemon thread per core at most (the tasks are CPU work:
     * signatures and key agreement), idle threads ending after a while.
     */
    public static ExecutorService newTaskPool() {
        return newTaskPool(() -> {});
    }

    /**
     * As {@link #newTaskPool()}, each thread running {@code atThreadStart} first (the server puts
     * its task threads under the loops' scheduling policy there). An idle thread that ended is
     * replaced by a new one, which runs it again.
     */
    public static ExecutorService newTaskPool(Runnable atThreadStart) {
        Objects.requireNonNull(atThreadStart, "atThreadStart");
        int cores = taskThreads();
        ThreadFactory threads = Thread.ofPlatform().daemon().name("tls-task-", 1).factory();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(cores, cores, TASK_THREAD_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), work -> threads.newThread(() -> {
                    atThreadStart.run();
                    work.run();
                }));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
