package io.jselectors.epoll.jmh;

import io.jselectors.posix.Fd;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code select} over {@value #REGISTERED} registered fds of which {@code ready} (100 by
 * default; 1 as a second data point) are readable, on jselectors backends and on the JDK's {@link
 * java.nio.channels.Selector}. The ready fds are never drained, so every (level-triggered) select
 * reports the same ones.
 *
 * <p>Both ends of every socket pair are registered for READ, so {@value #REGISTERED} registrations
 * take {@value #REGISTERED} fds: a hard RLIMIT_NOFILE of 20,000 leaves no room for one unregistered
 * peer per registered fd. The JDK gets UNIX-domain {@link SocketChannel} pairs, the same kind of
 * socket as {@code socketpair(AF_UNIX)}.
 *
 * <p>The timeout is one second, so the blocking (non-critical) {@code epoll_wait} handle is the one
 * measured, as in an event loop; with fds ready the call returns at once. Run with {@code bench.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SelectBenchmark {

    /** Registered fds (channels for the JDK). */
    public static final int REGISTERED = 10_000;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(1);

    /** A jselectors backend over posix socket pairs. */
    @State(Scope.Thread)
    public static class Jselectors {
        @Param({"epoll", "poll"})
        public String backend;

        @Param({"100"})
        public int ready;

        Selector selector;
        final List<Fd> fds = new ArrayList<>(REGISTERED);
        long sum;
        // Made once, so the measured call allocates nothing of the benchmark's own.
        final ReadyConsumer consumer = (key, events) -> sum += key.fd() + events;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = Selector.open(backend);
            for (int i = 0; i < REGISTERED / 2; i++) {
                Fd[] pair = Fd.socketPair();
                fds.add(pair[0]);
                fds.add(pair[1]);
                selector.register(pair[0], Selector.EVENT_READ);
                selector.register(pair[1], Selector.EVENT_READ);
            }
            for (int i = 0; i < ready; i++) {
                fds.get(2 * (i * (REGISTERED / 2 / ready)) + 1).write(new byte[] {1});
            }
            int reported = selector.selectNanos(0, consumer);
            if (reported != ready) {
                throw new IllegalStateException(backend + ": " + reported + " ready, expected " + ready);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
            for (Fd fd : fds) {
                fd.close();
            }
        }
    }

    /** The JDK's selector over UNIX-domain channel pairs. */
    @State(Scope.Thread)
    public static class Jdk {
        @Param({"100"})
        public int ready;

        java.nio.channels.Selector selector;
        final List<SocketChannel> channels = new ArrayList<>(REGISTERED);
        Path dir;
        long sum;
        final Consumer<SelectionKey> action = key -> sum += key.readyOps();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            selector = java.nio.channels.Selector.open();
            dir = Files.createTempDirectory("jselectors-bench");
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("listener"));
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                listener.bind(address);
                for (int i = 0; i < REGISTERED / 2; i++) {
                    SocketChannel a = SocketChannel.open(address);
                    SocketChannel b = listener.accept();
                    for (SocketChannel c : new SocketChannel[] {a, b}) {
                        channels.add(c);
                        c.configureBlocking(false);
                        c.register(selector, SelectionKey.OP_READ);
                    }
                }
            }
            for (int i = 0; i < ready; i++) {
                channels.get(2 * (i * (REGISTERED / 2 / ready)) + 1).write(ByteBuffer.wrap(new byte[] {1}));
            }
            int reported = selector.select(action, TIMEOUT_MILLIS);
            if (reported != ready) {
                throw new IllegalStateException("jdk: " + reported + " ready, expected " + ready);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            selector.close();
            for (SocketChannel c : channels) {
                c.close();
            }
            Files.deleteIfExists(dir.resolve("listener"));
            Files.deleteIfExists(dir);
        }
    }

    /** jselectors: the allocation-free {@code selectNanos(timeout, consumer)}. */
    @Benchmark
    public int jselectors(Jselectors state) throws IOException {
        return state.selector.selectNanos(TIMEOUT_NANOS, state.consumer);
    }

    /** The JDK: {@code select(action, timeout)}, its form without a selected-key set to clear. */
    @Benchmark
    public int jdk(Jdk state) throws IOException {
        return state.selector.select(state.action, TIMEOUT_MILLIS);
    }
}
