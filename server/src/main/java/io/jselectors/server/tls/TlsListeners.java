package io.jselectors.server.tls;

import io.jselectors.connection.tls.HandshakeGate;
import io.jselectors.connection.tls.HandshakeTasks;
import io.jselectors.connection.tls.TlsLayer;
import io.jselectors.connection.tls.TlsObserver;
import io.jselectors.connection.tls.TlsSettings;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.server.LoopScheduling;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: one {@link TlsContext}, the delegated-task pool, one {@link HandshakeGate} and
 * one {@link HandshakeTasks} per loop, and the certificate reloader, shared by every listener whose
 * protocol carries {@link #SUFFIX} ({@code --listen http+tls=8443}).
 */
public final class TlsListeners implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsListeners.class);

    /** What marks a listener as TLS in {@code --listen PROTOCOL+tls=PORT}. */
    public static final String SUFFIX = "+tls";

    private final TlsContext context;
    private final ExecutorService tasks;
    private final CertificateReloader reloader;
    private final TlsObserver observer;
    private final Map<EventLoop, HandshakeGate> gates = new ConcurrentHashMap<>();
    private final Map<EventLoop, HandshakeTasks> loopTasks = new ConcurrentHashMap<>();
    private volatile boolean batchScheduling;

    /** Serves {@code context}'s certificates; {@code reloader} may be {@code null} (self-signed). */
    public TlsListeners(TlsContext context, CertificateReloader reloader, TlsObserver observer) {
        this.context = context;
        this.reloader = reloader;
        this.observer = observer;
        this.tasks = TlsSettings.newTaskPool(this::threadStarted);
        if (reloader != null) {
            reloader.start();
        }
    }

    /**
     * Runs the delegated-task threads started from now on under Linux's {@code SCHED_BATCH}, as
     * the server runs its loops when they and these threads outnumber the CPUs ({@link
     * LoopScheduling}): the tasks are CPU work that no one waits for in microseconds, so a task
     * thread woken for a turn's tasks lets the loop finish its turn rather than preempt it, and
     * a loop woken by a packet waits for the running task's time slice instead of cutting it
     * into pieces. Before the first TLS connection (the threads start with the first task).
     */
    public void batchScheduling() {
        batchScheduling = true;
    }

    private void threadStarted() {
        if (batchScheduling) {
            int errno = LoopScheduling.batchCurrentThread();
            if (errno != 0) {
                log.debug("{}: SCHED_BATCH refused (errno {}); default scheduling", Thread.currentThread().getName(), errno);
            }
        }
    }

    /** Whether {@code protocol} (as given to --listen) asks for TLS. */
    public static boolean isTls(String protocol) {
        return protocol.endsWith(SUFFIX);
    }

    /** The protocol's name without {@link #SUFFIX}. */
    public static String baseProtocol(String protocol) {
        return isTls(protocol) ? protocol.substring(0, protocol.length() - SUFFIX.length()) : protocol;
    }

    /** ALPN for a protocol: {@code http/1.1} for http, none otherwise. */
    static List<String> alpnFor(String baseProtocol) {
        return baseProtocol.equals("http") || baseProtocol.equals("admin") ? List.of("http/1.1") : List.of();
    }

    /** A layer for a new connection of a {@code baseProtocol} listener, on the connection's loop. */
    public TlsLayer newLayer(Connection connection, String baseProtocol) {
        List<String> alpn = alpnFor(baseProtocol);
        EventLoop loop = connection.loop();
        HandshakeGate gate = gates.computeIfAbsent(loop, l -> new HandshakeGate(HandshakeGate.DEFAULT_MAX_HANDSHAKES));
        HandshakeTasks batch = loopTasks.computeIfAbsent(loop, l -> new HandshakeTasks(l, tasks, TlsSettings.taskThreads()));
        return new TlsLayer(context.newServerEngine(alpn), connection,
                new TlsSettings(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT, alpn, batch), gate, observer);
    }

    /** The delegated-task pool; for tests. */
    ExecutorService taskPool() {
        return tasks;
    }

    /** The context (for its certificates). */
    public TlsContext context() {
        return context;
    }

    /** Reloads the certificate files now (SIGHUP); a no-op for an in-memory certificate. */
    public void reload() {
        if (reloader != null) {
            reloader.reloadNow();
        }
    }

    /**
     * Reloads the certificates on SIGHUP, off the signal thread (through {@code sun.misc.Signal},
     * as the termination signals are handled).
     */
    public void reloadOnHangup() {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofPlatform().name("tls-sighup").start(this::reload));
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.close();
        }
        tasks.shutdownNow();
    }
}
