package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.testkit.OpenConnection;
import io.jselectors.protocol.testkit.TestLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * What the HTTP layer alone costs per pipelined {@code /hello} request: a tool for
 * bench/http-handler-cost.sh, not a test. Feeds reads of 16 pipelined wrk-shaped requests (one
 * pooled direct buffer, as the server reads them) to an {@link HttpHandler} on a connection that
 * only counts and releases what is written, or to a {@link RequestDecoder} alone ({@code decode}),
 * and prints the thread's CPU time per request for each round. No socket, no loop, no kernel: the
 * figure is the handler's share of scenario e, and it compares two builds on a busy machine far
 * better than a server's CPU per request does (run them alternately; CPU time, not wall time).
 * The loop is the testkit's, its clock standing still: the one clock reading per read that the
 * server's loop makes for the duration histogram (~25 ns, 1/16 of it per request) is not counted.
 *
 * <p>With {@code POLLUTE_KB} above 0, each read is followed by a walk over that many KiB of other
 * memory, as the server's kernel work for the other connections is between two reads of one
 * connection: the handler then finds its per-connection objects cold, as in the server. The walk
 * costs both builds the same; compare builds, not the absolute figure.
 *
 * <p>{@code java -cp protocols/http/target/test-classes:protocols/protocol-testkit/target/classes:JAR io.jselectors.protocol.http.HandlerCost handler|decode [ROUNDS [CONNECTIONS [DEPTH [POLLUTE_KB [wrk|browser]]]]]}
 */
public final class HandlerCost {

    /** Requests per read by default: scenario e's pipeline depth (d's is 1). */
    private static final int DEPTH = 16;
    /** Requests per round: long enough for the thread CPU clock's resolution, short enough to print often. */
    private static final int PER_ROUND = 2_000_000;
    /** wrk's request for /hello (wrk.format() with its Host field). */
    private static final byte[] REQUEST = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:40123\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * A browser's request for the same page ({@code browser} as the sixth argument): the fields a
     * current Chromium sends for a navigation, about 700 bytes, so that the figure is not wrk's alone.
     */
    private static final byte[] BROWSER_REQUEST = ("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:40123\r\nConnection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"\r\nsec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\nUpgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8\r\n"
            + "Sec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-User: ?1\r\nSec-Fetch-Dest: document\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-GB,en;q=0.9\r\n"
            + "Cookie: session=7f3a9c2e4b1d8f60; theme=dark\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private HandlerCost() {}

    public static void main(String[] args) {
        boolean decodeOnly = args.length > 0 && args[0].equals("decode");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : DEPTH;
        int polluteKb = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        byte[] request = args.length > 5 && args[5].equals("browser") ? BROWSER_REQUEST : REQUEST;
        byte[] other = new byte[Math.max(1, polluteKb) * 1024];
        long sink = 0;
        ByteBuf batch = PooledByteBufAllocator.DEFAULT.directBuffer(depth * request.length);
        for (int i = 0; i < depth; i++) {
            batch.writeBytes(request);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // Several connections answered in turn, as wrk's 100 are: each has its own parser state,
        // so the figure includes fetching that state, not only the instructions.
        Runnable[] reads = new Runnable[connections];
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TestLoop loop = new TestLoop("handler-cost");
        HttpListenerState state = new HttpListenerState(new Listener(registry), Clock.systemUTC(), true);
        for (int c = 0; c < connections; c++) {
            reads[c] = decodeOnly ? decoder(batch) : handler(batch, depth, state, loop);
        }
        // Polluted: fewer requests per round (each read is followed by the walk), and only the
        // reads are timed, each by the wall clock around it; the round's figure is the median
        // read, so a read the scheduler interrupted (a busy machine) does not count.
        int perRound = polluteKb > 0 ? PER_ROUND / 20 : PER_ROUND;
        long[] each = new long[polluteKb > 0 ? perRound / depth : 0];
        // The HotSpot bean counts the thread's allocated bytes: the layer must allocate nothing per request once warm.
        com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
        for (int r = 0; r < rounds; r++) {
            long allocatedBefore = allocations.getCurrentThreadAllocatedBytes();
            long start = threads.getCurrentThreadCpuTime();
            for (int k = 0; k < perRound / depth; k++) {
                if (polluteKb > 0) {
                    sink += pollute(other, k);
                    long t0 = System.nanoTime();
                    reads[k % connections].run();
                    each[k] = System.nanoTime() - t0;
                } else {
                    reads[k % connections].run();
                }
            }
            double perRequest;
            if (polluteKb > 0) {
                Arrays.sort(each);
                perRequest = each[each.length / 2] / (double) depth;
            } else {
                perRequest = (threads.getCurrentThreadCpuTime() - start) / (double) perRound;
            }
            double allocated = (allocations.getCurrentThreadAllocatedBytes() - allocatedBefore) / (double) perRound;
            System.out.printf("round %d: %.1f ns per request (%s, %d connections%s), %.3f B allocated per request%n", r, perRequest,
                    decodeOnly ? "decode" : "handler", connections,
                    polluteKb > 0 ? ", " + polluteKb + " KiB walked between reads, median read" : "", allocated);
        }
        batch.release();
        if (sink == 42) {
            System.out.println(); // keeps the walk from being optimized away
        }
    }

    /** Writes one byte in each cache line of {@code other}: evicts what the last read touched. */
    private static long pollute(byte[] other, int k) {
        for (int i = 0; i < other.length; i += 64) {
            other[i] = (byte) k;
        }
        return other[k & (other.length - 1)];
    }

    private static Runnable decoder(ByteBuf batch) {
        RequestDecoder decoder = new RequestDecoder(PooledByteBufAllocator.DEFAULT, HttpLimits.DEFAULT_MAX_BODY);
        return () -> {
            batch.readerIndex(0);
            while (batch.isReadable()) {
                if (decoder.decode(batch) != RequestDecoder.REQUEST_DONE) {
                    throw new IllegalStateException("not a whole request: " + decoder.errorStatus());
                }
                decoder.request().clear();
            }
        };
    }

    private static Runnable handler(ByteBuf batch, int depth, HttpListenerState state, TestLoop loop) {
        Sink connection = new Sink(loop);
        HttpHandler handler = new HttpHandler(state);
        handler.onOpen(connection);
        int answer = (int) BuiltInRoutes.HELLO.contentLength();
        return () -> {
            batch.retain().readerIndex(0);
            long before = connection.written;
            handler.onRead(connection, batch);
            if (connection.written - before < depth * (long) answer) {
                throw new IllegalStateException("not every request was answered");
            }
        };
    }

    /** The listener's context with default options. */
    private record Listener(MeterRegistry meterRegistry) implements ListenerContext {
        @Override
        public String protocol() {
            return "http";
        }

        @Override
        public InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", 0);
        }

        @Override
        public Map<String, String> options() {
            return Map.of();
        }

        @Override
        public Object sharedState() {
            return null;
        }
    }

    /** A writable connection that counts and releases what it is given (as a socket that takes everything). */
    private static final class Sink extends OpenConnection {
        private final TestLoop loop;
        long written;

        Sink(TestLoop loop) {
            this.loop = loop;
        }

        @Override
        public void write(ByteBuf data) {
            written += data.readableBytes();
            data.release();
        }

        @Override
        public void flush() {}

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public ByteBufAllocator alloc() {
            return PooledByteBufAllocator.DEFAULT;
        }
    }
}
