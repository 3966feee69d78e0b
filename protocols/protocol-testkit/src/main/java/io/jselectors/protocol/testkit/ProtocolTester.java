package io.jselectors.protocol.testkit;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs a {@link Protocol} in memory: one pretend listener (options, a {@link SimpleMeterRegistry},
 * the protocol's shared state), a {@link TestLoop} owned by the test's thread, and any number of
 * {@link TestConnection}s, each with its own handler. Everything happens on the test's thread, in
 * an order fixed by the test, so protocol tests need no sockets, sleeps or retries.
 *
 * {@snippet :
 * @Test
 * void echoesWhatItReceives() {
 *     try (ProtocolTester tester = ProtocolTester.of(new EchoProtocol())) {
 *         TestConnection connection = tester.connect();
 *         connection.receive("hello");
 *         assertThat(connection.takeOutputString()).isEqualTo("hello");
 *
 *         connection.peerShutdownOutput();
 *         assertThat(connection.isOpen()).isFalse();
 *     } // close() aborts what is still open and fails the test if a buffer leaked
 * }
 * }
 *
 * <p><b>Leaks.</b> Netty runs at PARANOID level and every buffer allocated on the test's thread
 * while the tester is open is tracked until its last release. {@link #close()} first aborts the
 * connections still open (their handlers' onClose runs and should release what they hold), then
 * calls {@link #assertNoLeaks()}: any buffer still unreleased fails the test with the place it was
 * allocated, no garbage collection needed. A leak reported by Netty's own detector meanwhile fails
 * it too.
 *
 * <p><b>Ordering.</b> After every step the test drives (a receive, a timer, {@link
 * TestConnection#takeOutput()}...) the tester settles: it delivers whatever became due to the
 * handlers (opens, reads, end of stream, writability changes, closes) and runs the loop's queued
 * tasks, until nothing is left. A handler callback never runs inside another one.
 *
 * <p><b>TLS.</b> A tester built with {@link #overTls} (or {@link Builder#tls}) serves each
 * connection through the server's own TLS layer, and the test's side is an in-memory TLS client
 * ({@link TestConnection#tls()}): the test still sends and takes plaintext, while real TLS records
 * cross the fake socket. {@link #connect()} returns once the handshake is done.
 */
public final class ProtocolTester implements AutoCloseable {

    /** How many events one settling may deliver before it declares a livelock. */
    public static final int MAX_EVENTS_PER_SETTLE = 10_000_000;

    private final Protocol protocol;
    private final TestListenerContext context;
    private final List<TestLoop> loops;
    private final Dispatcher dispatcher;
    private final TestTls tls;
    private final LeakScope leaks;
    private long nextId = 1;
    private boolean closed;

    private ProtocolTester(Builder builder) {
        if (!LeakTracking.exact()) {
            throw new IllegalStateException("""
                    the testkit could not install its leak detector because a ByteBuf was created \
                    before the first ProtocolTester in this JVM; create testers first, or add \
                    -Dio.netty.customResourceLeakDetector=io.jselectors.protocol.testkit.TrackingLeakDetector \
                    to the tests' JVM arguments (Surefire's argLine)""");
        }
        this.protocol = builder.protocol;
        List<TestLoop> made = new ArrayList<>();
        for (int i = 0; i < builder.loops; i++) {
            made.add(new TestLoop(builder.loops == 1 ? protocol.name() + "-test-loop" : protocol.name() + "-test-loop-" + i));
        }
        this.loops = List.copyOf(made);
        this.dispatcher = new Dispatcher(loops);
        this.tls = builder.alpn == null ? null : new TestTls(builder.alpn);
        this.leaks = LeakScope.open();
        TestListenerContext bare = new TestListenerContext(protocol.name(), new InetSocketAddress("127.0.0.1", builder.port),
                Map.copyOf(builder.options), builder.registry, null);
        try {
            this.context = bare.withSharedState(protocol.createSharedState(bare));
        } catch (RuntimeException | Error e) {
            leaks.exit(); // no tester to close: do not leave the scope adopting this thread's buffers
            throw e;
        }
    }

    /** A tester for {@code protocol} with no options. */
    public static ProtocolTester of(Protocol protocol) {
        return builder(protocol).build();
    }

    /** A tester for {@code protocol} with no options, over TLS (no ALPN): see {@link TlsClient}. */
    public static ProtocolTester overTls(Protocol protocol) {
        return builder(protocol).tls().build();
    }

    /** A builder for a tester of {@code protocol}. */
    public static Builder builder(Protocol protocol) {
        return new Builder(Objects.requireNonNull(protocol, "protocol"));
    }

    /** A builder for a tester of a protocol named {@code name} whose handlers {@code handlers} makes. */
    public static Builder builder(String name, Function<ListenerContext, ProtocolHandler> handlers) {
        Objects.requireNonNull(handlers, "handlers");
        return builder(new Protocol() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int defaultPort() {
                return 7999;
            }

            @Override
            public ProtocolHandler newHandler(ListenerContext listener) {
                return handlers.apply(listener);
            }
        });
    }

    /**
     * Accepts a new connection on the next loop, round robin: the protocol makes its handler,
     * whose onOpen runs before this returns.
     */
    public TestConnection connect() {
        return connect((int) ((nextId - 1) % loops.size()));
    }

    /** Accepts a new connection on loop number {@code loopIndex} (from 0). */
    public TestConnection connect(int loopIndex) {
        dispatcher.requireTestCode();
        requireOpen();
        TestLoop loop = loops.get(loopIndex);
        TestConnection connection = new TestConnection(this, loop, protocol.newHandler(context), nextId++);
        if (tls != null) {
            tls.install(connection, loop);
        }
        dispatcher.add(connection);
        dispatcher.settle();
        if (tls != null) {
            connection.tls().handshake();
        }
        return connection;
    }

    /** Every connection made so far, open or closed, in order. */
    public List<TestConnection> connections() {
        return dispatcher.connections();
    }

    /** The listener the handlers see. */
    public ListenerContext context() {
        return context;
    }

    /** Where the protocol's meters are, to assert on them. */
    public MeterRegistry meterRegistry() {
        return context.meterRegistry();
    }

    /** The first loop: the one every connection belongs to unless the tester has {@link Builder#loops several}. */
    public TestLoop loop() {
        return loops.getFirst();
    }

    /** Loop number {@code index}, from 0. */
    public TestLoop loop(int index) {
        return loops.get(index);
    }

    /** All loops, in order. */
    public List<TestLoop> loops() {
        return loops;
    }

    /** The pooled direct allocator the connections use; buffers from it are leak-checked too. */
    public ByteBufAllocator alloc() {
        return LeakTracking.ALLOC;
    }

    /**
     * Moves the clock of every loop forward, running due timers in deadline order across loops
     * (and settling after each); see {@link TestLoop#advance}.
     */
    public ProtocolTester advance(Duration duration) {
        dispatcher.requireTestCode();
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go backwards: " + duration);
        }
        long target = TestLoop.saturatedAdd(loop().nanoTime(), TestLoop.saturatedNanos(duration));
        for (int steps = 0; steps < TestLoop.MAX_TASKS_PER_RUN; steps++) {
            long next = Long.MAX_VALUE;
            for (TestLoop loop : loops) {
                next = Math.min(next, loop.nextDeadline());
            }
            if (next > target) {
                break;
            }
            for (TestLoop loop : loops) {
                loop.advanceTo(next);
            }
        }
        for (TestLoop loop : loops) {
            loop.advanceTo(target);
        }
        dispatcher.settle();
        return this;
    }

    /** Runs tasks queued with {@code execute(...)} on every loop (settling after each). */
    public ProtocolTester runPending() {
        dispatcher.requireTestCode();
        for (TestLoop loop : loops) {
            loop.runPending();
        }
        dispatcher.settle();
        return this;
    }

    /**
     * Fails if a buffer allocated while this tester was open is still unreleased, or Netty's leak
     * detector reported a leak meanwhile; the leaked buffers are then released, so that the leak
     * fails this test only. Meaningful once handlers have let go of what they legitimately hold:
     * {@link #close()} calls it after closing every connection.
     *
     * @throws AssertionError describing each leaked buffer and where the first was allocated
     */
    public void assertNoLeaks() {
        String problems = leaks.problems();
        if (problems != null) {
            leaks.reclaim();
            throw new AssertionError(problems);
        }
    }

    /**
     * Aborts the connections still open (their onClose runs), closes the protocol's shared state if
     * it is {@link AutoCloseable}, stops the loop, then {@link #assertNoLeaks()}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        dispatcher.requireTestCode();
        closed = true;
        try {
            for (TestConnection connection : dispatcher.connections()) {
                connection.abortIfOpen();
            }
            dispatcher.settle();
            closeSharedState();
        } finally {
            loops.forEach(TestLoop::stop);
            leaks.exit();
        }
        assertNoLeaks();
    }

    private void closeSharedState() {
        if (context.sharedState() instanceof AutoCloseable state) {
            try {
                state.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the shared state of " + protocol.name() + " failed", e);
            }
        }
    }

    /** The event order shared with the connections. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this tester is closed");
        }
    }

    /** Settings of a {@link ProtocolTester}. */
    public static final class Builder {
        private final Protocol protocol;
        private final Map<String, String> options = new LinkedHashMap<>();
        private MeterRegistry registry = new SimpleMeterRegistry();
        private int port;
        private int loops = 1;
        private List<String> alpn;

        private Builder(Protocol protocol) {
            this.protocol = protocol;
            this.port = protocol.defaultPort();
        }

        /** A protocol option, named without the protocol prefix ({@code max-line}, not {@code chat.max-line}). */
        public Builder option(String name, String value) {
            options.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Several protocol options at once. */
        public Builder options(Map<String, String> values) {
            values.forEach(this::option);
            return this;
        }

        /** The registry the listener's meters go to; a fresh {@link SimpleMeterRegistry} by default. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** The port the pretend listener is bound to (on 127.0.0.1); the protocol's default port by default. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /**
         * How many event loops the tester runs (1 by default). Connections are spread over them
         * round robin (or placed with {@link ProtocolTester#connect(int)}); while one loop's
         * callback or task runs, the other loops' {@code inLoop()} is false, so cross-loop code
         * must go through {@code execute}, as on the server. All loops run on the test's thread
         * and share one clock.
         */
        public Builder loops(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one loop: " + count);
            }
            this.loops = count;
            return this;
        }

        /**
         * Serves every connection over TLS, the server's layer against an in-memory client, both
         * offering {@code alpn} (application protocols in preference order; none by default).
         */
        public Builder tls(String... alpn) {
            this.alpn = List.of(alpn);
            return this;
        }

        /** Creates the tester, calling the protocol's {@link Protocol#createSharedState}. */
        public ProtocolTester build() {
            return new ProtocolTester(this);
        }
    }
}
