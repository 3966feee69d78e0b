package io.jselectors.server;

import io.jselectors.connection.tls.HandshakeFailure;
import io.jselectors.connection.tls.TlsSettings;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.Protocol;
import io.jselectors.server.tls.TlsListeners;
import io.jselectors.server.tls.TlsMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reactor server: one boss loop accepting on every listener and N worker loops owning the
 * connections, each loop one thread with one selector.
 *
 * {@snippet :
 * Server server = Server.start(ServerSettings.defaults(
 *         List.of(ServerSettings.ListenerSpec.parse("echo=127.0.0.1:7000", "127.0.0.1"))),
 *         registry);
 * ...
 * server.shutdown(); // stop accepting, let handlers finish, abort the rest at the drain deadline
 * }
 */
public final class Server {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    /**
     * The system property that decides whether worker loops open their selector edge-triggered
     * (epoll's {@code EPOLLET}; other backends stay level-triggered): on unless set to {@code false},
     * read at each {@code start}. A level-triggered fd that was reported is polled again by the
     * kernel on the next wait whether or not it has anything new, a cost per ready connection per
     * turn (bench/PROFILE.md); edge-triggered, the connections keep track of the bytes they leave
     * unread themselves (ARCHITECTURE.md lists every case and the test that pins it).
     * {@code -Djselectors.edgeTriggered=false} is the way back to level triggering, which stays
     * tested ({@code EdgeTriggeredReadTest} and the connection contract run in both modes). The boss
     * loop (the acceptors) stays level-triggered: a listener not accepted to EAGAIN (the per-event
     * accept cap) is simply reported again, and the boss has a handful of fds to poll.
     */
    static final String EDGE_TRIGGERED_PROPERTY = "jselectors.edgeTriggered";

    /** Whether worker loops open edge-triggered now ({@link #EDGE_TRIGGERED_PROPERTY}). */
    static boolean edgeTriggered() {
        return switchedOn(EDGE_TRIGGERED_PROPERTY);
    }

    /** Whether a default-on switch {@code property} is on: anything but {@code false}, read when asked. */
    private static boolean switchedOn(String property) {
        return !"false".equalsIgnoreCase(System.getProperty(property));
    }

    /**
     * The system property that decides whether worker loops that outnumber the CPUs run under
     * Linux's {@code SCHED_BATCH} ({@link LoopScheduling}): on unless set to {@code false}, for a
     * host where the loops must preempt other processes at once (their wake-up latency matters
     * more than the loops' batching among themselves). Read at each start.
     */
    static final String BATCH_SCHEDULING_PROPERTY = "jselectors.batchScheduling";

    /**
     * Whether the worker loops, and the TLS delegated-task threads if any, run under {@code
     * SCHED_BATCH}: unless {@link #BATCH_SCHEDULING_PROPERTY} says no, when the loops and the
     * task threads ({@code tlsTaskThreads}, 0 without TLS listeners) outnumber the CPUs. The task
     * threads take turns on the CPUs with the loops as other loops do: under a handshake load on
     * a shared CPU a loop woken by each packet preempted the running handshake task, and a task
     * thread woken for a turn's tasks preempted its loop, a context switch each and smaller
     * batches for both.
     */
    static boolean batchScheduling(int workers, int tlsTaskThreads, int cpus) {
        return switchedOn(BATCH_SCHEDULING_PROPERTY) && LoopScheduling.wanted(workers + tlsTaskThreads, cpus);
    }

    private final ServerSettings settings;
    private final Transport transport;
    private final IoLoop boss;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    /** What this server's listeners share (the chat rooms of the chat listener and the http chat endpoint). */
    private final io.jselectors.protocol.SharedServices sharedServices = new io.jselectors.protocol.SharedServices();
    private final List<Acceptor> acceptors = new ArrayList<>();
    private final String backend;
    /** Whether the worker loops' selectors report edge-triggered (said in the "listening" lines). */
    private boolean edgeTriggeredWorkers;
    private boolean stopped;

    private Server(ServerSettings settings, Transport transport, IoLoop boss, String backend) {
        this.settings = settings;
        this.transport = transport;
        this.boss = boss;
        this.backend = backend;
    }

    /** Starts a server with the protocols found on the class path. */
    public static Server start(ServerSettings settings, MeterRegistry registry) throws IOException {
        return start(settings, Protocols.load(Server.class.getClassLoader()), registry);
    }

    /** Binds every listener and starts the loops; fails (and releases everything) if one cannot bind. */
    static Server start(ServerSettings settings, Protocols protocols, MeterRegistry registry) throws IOException {
        return start(settings, protocols, registry, "");
    }

    /**
     * As {@link #start(ServerSettings, Protocols, MeterRegistry)}, with loop names (the {@code loop}
     * tag of the loop meters) prefixed, so two servers can share one registry (the admin one).
     */
    static Server start(ServerSettings settings, Protocols protocols, MeterRegistry registry, String loopPrefix)
            throws IOException {
        return start(settings, protocols, registry, loopPrefix, null, true);
    }

    /** As below, logging the "listening" lines at once. */
    static Server start(ServerSettings settings, Protocols protocols, MeterRegistry registry, String loopPrefix,
            TlsListeners tls) throws IOException {
        return start(settings, protocols, registry, loopPrefix, tls, true);
    }

    /**
     * As {@link #start(ServerSettings, Protocols, MeterRegistry, String)}; listeners whose protocol
     * ends in {@code +tls} serve TLS with {@code tls}, which must then be given. With {@code announce}
     * false the "listening" lines wait for {@link #logListening()} (serve logs its banner first).
     */
    static Server start(ServerSettings settings, Protocols protocols, MeterRegistry registry, String loopPrefix,
            TlsListeners tls, boolean announce) throws IOException {
        Transport transport = settings.transport().equals("nio") ? new NioTransport() : new NativeTransport();
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        IoLoop boss = new IoLoop(loopPrefix + "boss", transport.openSelector(settings.selector()), registry);
        Server server = new Server(settings, transport, boss, boss.selector().name());
        try {
            Worker.ConnectionIds ids = new Worker.ConnectionIds();
            boolean edgeTriggered = edgeTriggered();
            int tlsTaskThreads = tls != null && settings.listeners().stream().anyMatch(l -> TlsListeners.isTls(l.protocol()))
                    ? TlsSettings.taskThreads() : 0;
            boolean batch = batchScheduling(settings.workers(), tlsTaskThreads, Runtime.getRuntime().availableProcessors());
            if (batch && tlsTaskThreads > 0) {
                tls.batchScheduling(); // a woken task thread does not preempt a loop either
            }
            for (int i = 0; i < settings.workers(); i++) {
                IoLoop loop = new IoLoop(loopPrefix + "worker-" + (i + 1), transport.openSelector(settings.selector(), edgeTriggered), registry);
                server.edgeTriggeredWorkers = loop.selector().isEdgeTriggered();
                if (batch) {
                    loop.batchScheduling(); // more loops than CPUs: no wakeup preemption among them
                }
                server.workers.add(new Worker(loop, settings, alloc, transport, ids));
            }
            for (ServerSettings.ListenerSpec spec : settings.listeners()) {
                String baseName = TlsListeners.baseProtocol(spec.protocol());
                Protocol protocol = protocols.get(baseName);
                if (TlsListeners.isTls(spec.protocol()) && tls == null) {
                    throw new IllegalArgumentException(spec.protocol() + " listener: no certificate configured "
                            + "(--tls-cert and --tls-key, or --tls-self-signed)");
                }
                Transport.ListenSocket socket;
                try {
                    socket = transport.listen(spec.address(), settings.sockets().backlog(), settings.sockets().buffer());
                } catch (IOException e) {
                    throw new IOException("cannot listen for " + spec.protocol() + " on " + format(spec.address()) + ": " + e.getMessage(), e);
                }
                Tags tags = Tags.of("protocol", protocol.name(), "listener", format(socket.localAddress()),
                        "transport", transport.name(), "selector", server.backend);
                // The protocol's own meters get this listener's protocol and address tags, as
                // ListenerContext promises, so two listeners (or the admin one) never share a series.
                CompositeMeterRegistry tagged = new CompositeMeterRegistry();
                tagged.config().commonTags(Tags.of("protocol", protocol.name(), "listener", format(socket.localAddress())));
                tagged.add(registry);
                Listener listener = new Listener(protocol, socket,
                        settings.options().getOrDefault(protocol.name(), Map.of()), tagged, new ListenerMeters(registry, tags),
                        server.sharedServices, protocols.classLoader());
                if (TlsListeners.isTls(spec.protocol())) {
                    listener.useLayers(c -> c.installLayer(tls.newLayer(c, baseName)));
                } else {
                    listener.refuseTls(TlsMeters.failures(registry, HandshakeFailure.TLS_ON_PLAINTEXT_PORT));
                }
                server.listeners.add(listener);
                try {
                    listener.createSharedState();
                } catch (RuntimeException e) {
                    // The protocol refused its options: say which listener, for a one-line error.
                    throw new IllegalArgumentException(protocol.name() + " listener on " + format(socket.localAddress())
                            + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            server.releaseAfterFailedStart();
            throw e;
        }
        server.workers.forEach(Worker::start);
        boss.start();
        Acceptor.ConnectionCount count = () -> server.workers.stream().mapToInt(Worker::openConnections).sum();
        CompletableFuture<Void> started = new CompletableFuture<>();
        boss.execute(() -> {
            try {
                for (Listener l : server.listeners) {
                    Acceptor a = new Acceptor(boss, l, server.workers, transport, settings.maxConnections(), count);
                    a.start();
                    server.acceptors.add(a);
                }
                started.complete(null);
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        });
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.shutdown();
            throw new IOException("listeners did not start", e);
        }
        if (announce) {
            server.logListening();
        }
        return server;
    }

    /** Logs one "listening" line per listener: protocol, address, transport, selector (and its triggering), workers. */
    void logListening() {
        for (Listener l : listeners) {
            log.info("listening: {} on {} (transport {}, selector {}{}, {} worker{})", l.protocol(), format(l.address()),
                    transport.name(), backend, edgeTriggeredWorkers ? " edge-triggered" : "", settings.workers(),
                    settings.workers() == 1 ? "" : "s");
        }
    }

    private void releaseAfterFailedStart() {
        for (Listener l : listeners) {
            try {
                l.socket().close();
            } catch (IOException ignored) {
                // Releasing after a failure; the original error is what matters.
            }
        }
        try {
            boss.closeUnstarted();
            for (Worker w : workers) {
                w.loop().closeUnstarted();
            }
        } catch (IOException ignored) {
            // Same.
        }
    }

    /** The address a protocol's (first) listener is bound to; useful with port 0. */
    public InetSocketAddress address(String protocol) {
        return listeners.stream().filter(l -> l.protocol().equals(protocol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener for " + protocol)).address();
    }

    /** The boss loop, which accepts on every listener (tests hold it to pile connections up). */
    EventLoop bossLoop() {
        return boss;
    }

    /** The addresses of every listener of {@code protocol}, in the order they were given. */
    List<InetSocketAddress> addresses(String protocol) {
        return listeners.stream().filter(l -> l.protocol().equals(protocol)).map(Listener::address).toList();
    }

    /** The selector backend the loops run on. */
    public String backend() {
        return backend;
    }

    /** Connections open now, over all workers. */
    public int openConnections() {
        return workers.stream().mapToInt(Worker::openConnections).sum();
    }

    /**
     * Graceful shutdown: stop accepting, ask every handler to finish, wait up to the drain timeout
     * for connections to close, abort the rest, stop the loops. Idempotent.
     */
    public synchronized void shutdown() {
        if (stopped) {
            return;
        }
        stopped = true;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        boss.execute(() -> {
            acceptors.forEach(Acceptor::close);
            closed.complete(null);
        });
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("listeners did not close in time", e);
        }
        int open = openConnections();
        if (open > 0) {
            log.info("shutting down: {} connection{} open, draining for up to {}", open, open == 1 ? "" : "s",
                    Durations.format(settings.drainTimeout()));
        }
        workers.forEach(Worker::shutdown);
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (openConnections() > 0 && System.nanoTime() - deadline < 0) {
            sleep(Duration.ofMillis(20));
        }
        int left = openConnections();
        if (left > 0) {
            log.info("drain deadline reached: closing {} connection{}", left, left == 1 ? "" : "s");
            workers.forEach(Worker::abortAll);
            long abortDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (openConnections() > 0 && System.nanoTime() - abortDeadline < 0) {
                sleep(Duration.ofMillis(10));
            }
        }
        for (Listener l : listeners) {
            if (l.sharedState() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("{}: closing shared state", l, e);
                }
            }
        }
        boss.stop();
        workers.forEach(w -> w.loop().stop());
        try {
            boss.awaitTermination(5, TimeUnit.SECONDS);
            for (Worker w : workers) {
                w.loop().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("stopped"); // the caller says when the process is done (serve: once, after the admin listener)
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String format(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
