package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A protocol on real worker threads, without sockets: several single-thread loops and connections
 * whose output the test reads. The testkit runs everything on the test thread, so this is where the
 * chat proves it never touches a connection from another loop's thread (each such touch is
 * recorded as a failure) and keeps order across loops. Test scope only.
 */
final class ThreadedLoops implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Protocol protocol;
    private final List<Loop> loops = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final Queue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();
    private final CountingAllocator alloc = new CountingAllocator();
    private final Context context;
    private final AtomicLong ids = new AtomicLong();

    ThreadedLoops(Protocol protocol, int loopCount, Map<String, String> options) {
        this.protocol = protocol;
        for (int i = 0; i < loopCount; i++) {
            loops.add(new Loop("worker-" + i));
        }
        Context bare = new Context(protocol.name(), options, new SimpleMeterRegistry(), null);
        context = new Context(protocol.name(), options, bare.meterRegistry(), protocol.createSharedState(bare));
    }

    ListenerContext context() {
        return context;
    }

    /** Opens a connection on loop {@code loop} and waits for its onOpen to have run. */
    Peer connect(int loop) {
        Peer peer = new Peer(loops.get(loop), ids.incrementAndGet());
        peers.add(peer);
        peer.loop.execute(() -> {
            peer.handler = protocol.newHandler(context);
            peer.handler.onOpen(peer);
            peer.opened = true;
        });
        await("connection " + peer.id + " opened", () -> peer.opened);
        return peer;
    }

    /** Waits (bounded) until {@code condition} holds; fails with {@code what} if it never does. */
    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertNoFailures();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + PATIENCE + " waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        assertNoFailures();
    }

    /** Waits until every loop has run everything queued so far, twice over (a task may queue another). */
    void quiesce() {
        for (int round = 0; round < 3; round++) {
            for (Loop loop : loops) {
                boolean[] ran = {false};
                loop.execute(() -> ran[0] = true);
                await(loop.name + " idle", () -> ran[0]);
            }
        }
    }

    void assertNoFailures() {
        Throwable first = failures.peek();
        if (first != null) {
            throw new AssertionError(failures.size() + " failure(s) on the loops; the first:", first);
        }
    }

    /** Closes what is open, stops the loops, and checks that every buffer was released. */
    @Override
    public void close() {
        for (Peer peer : peers) {
            peer.loop.execute(() -> peer.finish(null));
        }
        quiesce();
        if (context.sharedState() instanceof AutoCloseable state) {
            try {
                state.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        loops.forEach(Loop::stop);
        assertNoFailures();
        long unreleased = allocated.stream().filter(b -> b.refCnt() != 0).count();
        assertThat(unreleased).as("buffers never released, of %d allocated", allocated.size()).isZero();
    }

    /** One worker: a single thread running tasks in submission order. */
    final class Loop implements EventLoop {
        private final String name;
        private final ScheduledThreadPoolExecutor executor;
        private volatile Thread thread;

        Loop(String name) {
            this.name = name;
            this.executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                thread = t;
                return t;
            });
        }

        @Override
        public void execute(Runnable task) {
            executor.execute(guarded(task));
        }

        @Override
        public boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        @Override
        public Timer schedule(Runnable task, long delay, TimeUnit unit) {
            ScheduledFuture<?> future = executor.schedule(guarded(task), delay, unit);
            return () -> future.cancel(false);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String name() {
            return name;
        }

        private Runnable guarded(Runnable task) {
            return () -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    failures.add(t);
                }
            };
        }

        void stop() {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A connection whose peer the test plays. Output is copied out as it is written, unless the
     * peer is {@linkplain #stall() stalled}: then it stays queued and counts as pending.
     */
    final class Peer implements Connection {
        final Loop loop;
        final long id;
        ProtocolHandler handler;
        volatile boolean opened;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final ArrayDeque<ByteBuf> stalledQueue = new ArrayDeque<>();
        private long pending;
        private volatile boolean stalled;
        private volatile boolean closing;
        private volatile boolean closed;

        Peer(Loop loop, long id) {
            this.loop = loop;
            this.id = id;
        }

        /** The peer sends {@code text}; its loop reads it as one buffer. */
        void send(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            loop.execute(() -> {
                if (!closed && !closing) {
                    ByteBuf data = alloc.directBuffer(bytes.length).writeBytes(bytes);
                    handler.onRead(this, data);
                }
            });
        }

        /** From now on the peer reads nothing. */
        void stall() {
            stalled = true;
        }

        /** Everything received so far, as lines. */
        List<String> lines() {
            String text;
            synchronized (received) {
                text = received.toString(StandardCharsets.UTF_8);
            }
            return text.isEmpty() ? List.of() : List.of(text.split("\r\n"));
        }

        boolean isClosed() {
            return closed;
        }

        /** Whether close() was called (a stalled peer stays closing until aborted). */
        boolean isClosing() {
            return closing || closed;
        }

        private void requireLoop(String method) {
            if (!loop.inLoop()) {
                failures.add(new AssertionError("connection " + id + "." + method + " called on " + Thread.currentThread().getName() + ", not " + loop.name));
            }
        }

        private void finish(Throwable cause) {
            if (closed) {
                return;
            }
            closed = true;
            stalledQueue.forEach(ByteBuf::release);
            stalledQueue.clear();
            pending = 0;
            if (handler != null) {
                loop.execute(() -> handler.onClose(this, cause));
            }
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public void write(ByteBuf data) {
            requireLoop("write");
            if (closed || closing) {
                data.release();
            } else if (stalled) {
                stalledQueue.add(data);
                pending += data.readableBytes();
            } else {
                try {
                    synchronized (received) {
                        data.readBytes(received, data.readableBytes());
                    }
                } catch (IOException impossible) {
                    throw new AssertionError(impossible);
                } finally {
                    data.release();
                }
            }
        }

        @Override
        public void flush() {
            requireLoop("flush");
        }

        @Override
        public long pendingWriteBytes() {
            requireLoop("pendingWriteBytes");
            return pending;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void pauseReading() {
            requireLoop("pauseReading");
        }

        @Override
        public void resumeReading() {
            requireLoop("resumeReading");
        }

        @Override
        public boolean isReadingPaused() {
            return false;
        }

        @Override
        public void close() {
            requireLoop("close");
            closing = true;
            if (pending == 0) {
                finish(null);
            }
        }

        @Override
        public void abort() {
            requireLoop("abort");
            finish(null);
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 40000 + (int) id);
        }

        @Override
        public InetSocketAddress localAddress() {
            return context.address();
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public io.netty.buffer.ByteBufAllocator alloc() {
            return alloc;
        }
    }

    /** Unpooled buffers, each remembered so that the test can check all were released. */
    private final class CountingAllocator extends AbstractByteBufAllocator {
        CountingAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return remember(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return remember(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
        }

        private ByteBuf remember(ByteBuf buf) {
            allocated.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private record Context(String protocol, Map<String, String> options, MeterRegistry meterRegistry, Object sharedState)
            implements ListenerContext {
        @Override
        public InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", 7001);
        }
    }
}
