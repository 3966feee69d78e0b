package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chat members who never read, over real sockets on 127.0.0.1 (issue 17): {@value #STALLED} of them
 * in a room with a fast sender and one reader. Each alone stays under {@code max-queue} (1 MiB)
 * long after their queues together pass {@code queue-budget}: the budget, not the members, bounds
 * what the server holds. Read from the chat's own meters (what its queues hold, by its count), not
 * from RSS.
 */
class ChatBudgetServerTest {

    /** Members that never read a byte: together they could hold 100 x max-queue = 100 MiB. */
    private static final int STALLED = 100;

    /** 1 MiB for all queues (half a MiB per loop with two workers); max-queue stays at its 1 MiB. */
    private static final long BUDGET = 1L << 20;

    /**
     * Most lines sent: the flood stops once every stalled member is disconnected, or here. The
     * kernel's socket buffers take the first few MB for each stalled member (up to tcp_wmem's
     * maximum, 4 MiB by default); 20,000 lines of ~2 KB are 40 MB each, so the chat's queues fill
     * on any usual setting. Here it takes ~3,000.
     */
    private static final int MAX_LINES = 20_000;

    /**
     * Lines the flooder may be ahead of the reader, ~128 KB: the reader is the member who keeps up,
     * so it must really keep up. Without this a fast sender outruns the reader's thread, its own
     * queue passes its loop's share of the budget (512 KiB with two loops) once the stalled members
     * are gone, and the budget rightly takes it too.
     */
    private static final int READER_WINDOW = 64;

    /** Lines per write of the flooder, ~16 KB. */
    private static final int LINES_PER_WRITE = 8;

    /** ~2 KB per delivered line: the kernel's socket buffers of the stalled members fill after a few hundred. */
    private static final String PADDING = "x".repeat(2000);

    /** Patience for each eventual outcome on a loaded machine; nothing is asserted about speed. */
    private static final long PATIENCE_SECONDS = 120;

    private Server server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
        if (server != null) {
            server.shutdown();
        }
    }

    private Socket connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(address, RawClient.READ_TIMEOUT_MS);
        s.setSoTimeout(RawClient.READ_TIMEOUT_MS);
        sockets.add(s);
        return s;
    }

    @Test
    void membersWhoNeverReadAreDisconnectedBeforeTheirQueuesPassTheBudgetAndTheReaderGetsEveryLineInOrder() throws Exception {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withLimits(Duration.ZERO, 10_000, Duration.ofMillis(500))
                .withOptions(Map.of("chat", Map.of("queue-budget", Long.toString(BUDGET))));
        server = Server.start(settings, registry);
        InetSocketAddress address = server.address("chat");
        for (int i = 0; i < STALLED; i++) {
            connect(address, 1024); // reads nothing, ever
        }
        Socket reader = connect(address, 1 << 20);
        BufferedReader readerIn = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
        // The reader must be in the lobby before the first line is sent: connect() returns once the
        // kernel has the connection, perhaps before its loop has opened it (behind 100 others on a
        // busy machine), and a line sent before the join is rightly not the reader's. Its own rename
        // notice comes back only from the room it is in.
        reader.getOutputStream().write("/nick reader\r\n".getBytes(StandardCharsets.US_ASCII));
        String renamed;
        do {
            renamed = readerIn.readLine();
            assertThat(renamed).as("the reader's rename notice (EOF before it)").isNotNull();
        } while (!renamed.contains("is now known as reader"));
        AtomicInteger inOrder = new AtomicInteger();
        AtomicReference<String> wrong = new AtomicReference<>();
        Future<?> reading = threads.submit(() -> {
            String prefix = "[lobby] flood: line ";
            for (String line; (line = readerIn.readLine()) != null && !line.equals("[lobby] flood: end"); ) {
                if (line.startsWith(prefix)) {
                    String expected = prefix + inOrder.get() + " " + PADDING;
                    if (!line.equals(expected)) {
                        wrong.compareAndSet(null, "expected " + expected + ", got " + line);
                        return null;
                    }
                    inOrder.incrementAndGet();
                }
            }
            return null;
        });
        try (RawClient flooder = new RawClient(address)) {
            flooder.send("/nick flood\r\n").await("is now known as flood");
            Future<Integer> flood = threads.submit(() -> {
                OutputStream out = flooder.outputStream();
                StringBuilder chunk = new StringBuilder();
                int sent = 0;
                while (sent < MAX_LINES && disconnected() < STALLED) {
                    for (int i = 0; i < LINES_PER_WRITE; i++) {
                        chunk.append("line ").append(sent++).append(' ').append(PADDING).append('\n');
                    }
                    out.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                    chunk.setLength(0);
                    while (sent - inOrder.get() > READER_WINDOW && !reading.isDone()) {
                        Thread.sleep(1);
                    }
                }
                out.write("end\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return sent;
            });
            int lines = flood.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            reading.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(wrong.get()).as("the reader's lines, in the order sent").isNull();
            assertThat(inOrder.get()).as("every line reached the reader").isEqualTo(lines);

            double disconnected = disconnected();
            double peak = registry.get("jselectors.chat.queued.peak").gauge().value();
            System.out.printf("chat budget: %d stalled members, %d lines; %.0f disconnected by the budget, peak %.0f B queued (budget %d)%n",
                    STALLED, lines, disconnected, peak, BUDGET);
            assertThat(disconnected).as("every stalled member disconnected by the budget").isEqualTo(STALLED);
            assertThat(peak).as("the highest the chat's queues held (sum of each loop's highest)")
                    .isGreaterThan(BUDGET / 4.0)
                    .isLessThanOrEqualTo(BUDGET);
            assertThat(registry.get("jselectors.chat.queued").gauge().value()).isLessThanOrEqualTo(BUDGET);
            assertThat(registry.get("jselectors.chat.slow.consumers").counter().count())
                    .as("no one reached max-queue alone").isZero();

            flooder.send("/who\r\n");
            assertThat(flooder.await("* in lobby")).as("the sender was never dropped").contains("flood");
        }
    }

    private double disconnected() {
        return registry.get("jselectors.chat.queue.budget.disconnects").counter().count();
    }
}
