package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A chat flood over real sockets on 127.0.0.1 (issue 17): one sender pours tiny lines into a room of
 * {@value #MEMBERS} members. Memory under such a flood is what waits in members' queues, one
 * duplicate per delivery; the chat bounds what one sender keeps in flight by pausing its reading
 * until its room has taken what it handed out. The test watches the deliveries made (the
 * delivered counter) against the bytes the server has written (the written counter): the
 * difference, in lines, is what sits in outbound queues, and it must stay within one round's
 * budget however fast the sender writes, while every line still arrives and another user is served.
 */
class ChatFloodServerTest {

    /** Members reading the room: enough that one 2 KiB read of tiny lines is 113,500 deliveries. */
    private static final int MEMBERS = 500;

    /** Lines the flooder sends: 500,000 deliveries, 30 rounds of the budget. */
    private static final int LINES = 1000;

    /** The line the flooder repeats, and what each member receives for it. */
    private static final String TEXT = "xxxxxxxx";
    private static final int DELIVERED_LINE_BYTES = ("[lobby] flood: " + TEXT + "\r\n").length();

    /**
     * chat's FanOutPacer.PER_TURN (package-private there): deliveries one sender may hand
     * out per round trip over its room's loops.
     */
    private static final int FAN_OUT_PER_TURN = 16_384;

    /**
     * The most deliveries that may wait in queues: one round's budget, overshot by at most one line
     * to the whole room, doubled for what the sampler's two counter reads cannot see at once.
     * Without the rule one read of the flooder's lines alone queues 227 lines x 500 members.
     */
    private static final long IN_FLIGHT_BOUND = 2L * (FAN_OUT_PER_TURN + MEMBERS);

    /** Between two samples: often enough to catch a read's worth of lines, rarely enough to leave the server its CPU. */
    private static final long SAMPLE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** Patience for each eventual outcome on a loaded machine; nothing is asserted about speed. */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private Server server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Socket> members = new ArrayList<>();
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : members) {
            s.close();
        }
        readers.shutdownNow();
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void aFloodersLinesWaitForItsRoomSoQueuesStayWithinOneRoundAndNothingIsLost() throws Exception {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withLimits(Duration.ZERO, 10_000, Duration.ofMillis(500));
        server = Server.start(settings, registry);
        InetSocketAddress address = server.address("chat");
        long t0 = System.nanoTime();
        for (int i = 0; i < MEMBERS; i++) {
            Socket s = new Socket();
            s.connect(address, RawClient.READ_TIMEOUT_MS);
            members.add(s);
            readers.execute(() -> drain(s));
        }
        // The members' joins first (each is told to the whole lobby: 250,000 lines): on a loaded
        // machine they took 44 s in a stress run, longer than a client's 20 s read timeout, and a
        // watcher connected behind them timed out waiting for its own answer.
        awaitAtLeast(() -> (long) registry.get("jselectors.connections.active").gauge().value(), MEMBERS);
        awaitQuiet();
        try (RawClient watcher = new RawClient(address); RawClient flooder = new RawClient(address)) {
            watcher.send("/join elsewhere\r\n").await("[elsewhere] * ");
            flooder.send("/nick flood\r\n").await("is now known as flood");
            awaitQuiet();
            long t1 = System.nanoTime();
            long delivered0 = delivered();
            long written0 = written();

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong maxInFlight = new AtomicLong();
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (flooding.get()) {
                    long w = written() - written0; // written first: a delivery seen later only adds
                    long d = delivered() - delivered0;
                    maxInFlight.accumulateAndGet(d - w / DELIVERED_LINE_BYTES, Math::max);
                    LockSupport.parkNanos(SAMPLE_NANOS);
                }
            });
            Future<?> flood = readers.submit(() -> {
                flooder.send((TEXT + "\n").repeat(LINES));
                return null;
            });

            // Another user is served meanwhile.
            watcher.send("/who\r\n");
            assertThat(watcher.await("* in elsewhere")).contains("(1)");

            long expected = (long) LINES * MEMBERS;
            awaitAtLeast(this::delivered, delivered0 + expected);
            flood.get(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
            // The watcher's answer is written too: at least every delivery.
            assertThat(awaitAtLeast(this::written, written0 + expected * DELIVERED_LINE_BYTES) - written0)
                    .as("every delivery written").isGreaterThanOrEqualTo(expected * DELIVERED_LINE_BYTES);
            flooding.set(false);
            sampler.join();
            System.out.printf("chat flood: %d members joined in %d ms; %d deliveries in %d ms; at most %d waiting (bound %d)%n",
                    MEMBERS, (t1 - t0) / 1_000_000, expected, (System.nanoTime() - t1) / 1_000_000, maxInFlight.get(), IN_FLIGHT_BOUND);

            assertThat(maxInFlight.get())
                    .as("deliveries waiting in queues at once, at most one round of the flooder's budget")
                    .isPositive()
                    .isLessThanOrEqualTo(IN_FLIGHT_BOUND);
            flooder.send("/who\r\n");
            assertThat(flooder.await("* in lobby")).as("the flooder was slowed, not dropped").contains("flood");
            assertThat(delivered() - delivered0).as("every line to every member, none lost across the pauses").isEqualTo(expected);
            assertThat(registry.get("jselectors.chat.slow.consumers").counter().count()).isZero();
        }
    }

    /** A member that reads everything and keeps nothing: the flood's fan-out, not slow readers, is under test. */
    private static void drain(Socket s) {
        byte[] sink = new byte[64 * 1024];
        try (InputStream in = s.getInputStream()) {
            while (in.read(sink) >= 0) {
                // discarded
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private long delivered() {
        return (long) registry.get("jselectors.chat.messages.delivered").counter().count();
    }

    private long written() {
        long sum = 0;
        for (FunctionCounter c : registry.find("jselectors.written").functionCounters()) {
            sum += (long) c.count();
        }
        return sum;
    }

    /** Waits until the written counter has stood still for a while: the joins and notices are out. */
    private void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = written();
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(500);
        }
        throw new AssertionError("the server kept writing; the joins never settled");
    }

    /** Waits (bounded) until {@code value} reaches {@code expected}; returns the last reading. */
    private static long awaitAtLeast(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (value.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return value.getAsLong();
    }
}
