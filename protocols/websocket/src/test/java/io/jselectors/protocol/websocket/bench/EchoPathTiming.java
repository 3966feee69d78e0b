package io.jselectors.protocol.websocket.bench;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * What the WebSocket path costs per echoed message in user space, without the socket, the loop or
 * the outbound queue ({@link EchoPath}): the part of issue #15's ws-1 and ws-16 the websocket module
 * can still change, measured on its own so that a change to it shows through the kernel's much
 * larger share of the server's time. Runs on a {@link FastThreadLocalThread} with the server's
 * allocator ({@link PooledByteBufAllocator#DEFAULT}), as the server's loops do: netty-buffer 4.2
 * keeps pool caches and recycles buffer objects only for such threads.
 *
 * <p>Scenarios: ws-1 and ws-1b (one text or binary message per read), ws-16 and ws-16b (sixteen),
 * and buffer-only: the read buffer taken, filled and released without the WebSocket path, the part
 * of each read the module does not own. Prints, per scenario, the median of {@value #ROUNDS} rounds' nanoseconds of the thread's CPU time per message (CPU
 * time, not wall time, so that the time the thread spends preempted on a busy machine is left out) and
 * the bytes the thread allocated per message over all rounds; every scenario's replies are
 * checked first. Run with {@code protocols/websocket/bench.sh}, which can compare two builds.
 *
 * <p>Usage: {@code EchoPathTiming [READS_PER_ROUND]} (default {@value #DEFAULT_READS}).
 */
public final class EchoPathTiming {

    static final int ROUNDS = 15;
    static final int WARMUP_ROUNDS = 10;
    static final int DEFAULT_READS = 200_000;

    private EchoPathTiming() {}

    public static void main(String[] args) throws InterruptedException {
        int reads = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_READS;
        Thread t = new FastThreadLocalThread(() -> {
            run("buffer-only", 1, true, reads); // the read buffer's cost without the WebSocket path
            run("ws-1", 1, true, reads);
            run("ws-1b", 1, false, reads);
            run("ws-16", 16, true, reads / 16);
            run("ws-16b", 16, false, reads / 16);
            cold("buffer-only-cold", true, reads / 4);
            cold("ws-1-cold", false, reads / 4);
        }, "echo-path");
        t.start();
        t.join();
    }

    private static void run(String name, int messages, boolean text, int reads) {
        EchoPath path = new EchoPath(PooledByteBufAllocator.DEFAULT, messages, text);
        boolean bufferOnly = name.equals("buffer-only");
        path.check();
        for (int r = 0; r < WARMUP_ROUNDS; r++) {
            loop(path, reads, bufferOnly);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        double[] ns = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = threads.getCurrentThreadCpuTime(); // not wall time: a busy machine preempts
            loop(path, reads, bufferOnly);
            ns[r] = (threads.getCurrentThreadCpuTime() - start) / (double) reads / messages;
        }
        allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
        path.check();
        path.close();
        Arrays.sort(ns);
        System.out.printf("%s ns_per_msg=%.1f (q1 %.1f, q3 %.1f) alloc_per_msg_bytes=%.3f%n", name, ns[ROUNDS / 2],
                ns[ROUNDS / 4], ns[3 * ROUNDS / 4], allocated / (double) ROUNDS / reads / messages);
    }

    /**
     * ws-1 as the server meets it: {@value #COLD_SESSIONS} sessions in turn, and between two reads
     * {@code -DevictKiB} KiB (48 by default) of other memory read (what the kernel's work for a message does to
     * the core's caches), so that a session's objects are no longer in the near caches when its next
     * message comes. The eviction's own cost is in both cold scenarios; the difference between them
     * is the WebSocket path with cold per-session state.
     */
    private static void cold(String name, boolean bufferOnly, int reads) {
        EchoPath[] paths = new EchoPath[COLD_SESSIONS];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = new EchoPath(PooledByteBufAllocator.DEFAULT, 1, true);
            paths[i].check();
        }
        byte[] evict = new byte[EVICT_BYTES];
        for (int r = 0; r < WARMUP_ROUNDS; r++) {
            coldLoop(paths, evict, reads, bufferOnly);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] ns = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = threads.getCurrentThreadCpuTime();
            coldLoop(paths, evict, reads, bufferOnly);
            ns[r] = (threads.getCurrentThreadCpuTime() - start) / (double) reads;
        }
        for (EchoPath path : paths) {
            path.check();
            path.close();
        }
        Arrays.sort(ns);
        System.out.printf("%s ns_per_msg=%.1f (q1 %.1f, q3 %.1f) sink=%d%n", name, ns[ROUNDS / 2], ns[ROUNDS / 4], ns[3 * ROUNDS / 4], sink);
    }

    static final int COLD_SESSIONS = 100;
    static final int EVICT_BYTES = Integer.getInteger("evictKiB", 48) * 1024;
    /** Keeps the eviction's loads from being optimized away. */
    static int sink;

    private static void coldLoop(EchoPath[] paths, byte[] evict, int reads, boolean bufferOnly) {
        int s = 0;
        for (int i = 0; i < reads; i++) {
            EchoPath path = paths[i % paths.length];
            if (bufferOnly) {
                path.readOnly();
            } else {
                path.read();
            }
            for (int j = (i & 63); j < evict.length; j += 64) {
                s += evict[j];
            }
        }
        sink += s;
    }

    private static void loop(EchoPath path, int reads, boolean bufferOnly) {
        if (bufferOnly) {
            for (int i = 0; i < reads; i++) {
                path.readOnly();
            }
            return;
        }
        for (int i = 0; i < reads; i++) {
            path.read();
        }
    }
}
