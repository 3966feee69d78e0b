package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;
import io.netty.util.internal.PlatformDependent;

/**
 * The limits of one chat listener, read once from its options.
 *
 * @param maxLine the longest line a client may send, in bytes without its LF or CRLF
 * @param maxQueue how much one connection's outbound queue may cost before the chat gives up on
 *     that reader, in {@code pendingWriteBytes()} terms: the bytes plus a fixed overhead (64 B in
 *     the server) per queued line, so many tiny lines count as the heap they hold
 * @param queueBudget how much the outbound queues of members who are behind may cost together, in
 *     the same terms, before the members furthest behind are disconnected ({@link QueueBudget})
 * @param lineTimeoutSeconds how long a line may take to arrive, from its first byte to its end
 * @param lineBudget how much heap the lines that arrive in pieces may hold together before the next
 *     one that needs more is dropped ({@link LineBudget})
 */
record ChatSettings(int maxLine, long maxQueue, long queueBudget, long lineTimeoutSeconds, long lineBudget) {

    /**
     * 4096 bytes: a long paragraph of text, and the classic line limit of line protocols (IRC uses
     * 512, Netty's HTTP decoder 4096 for the initial line). Larger lines are discarded with an
     * error, so a client without newlines cannot make the server buffer without end.
     */
    static final int DEFAULT_MAX_LINE = 4096;

    /**
     * 1 MiB: about ten thousand typical chat lines, far more than a reader that keeps up ever has
     * queued. Many stalled readers together are bounded by {@code queue-budget}, not by this.
     */
    static final long DEFAULT_MAX_QUEUE = 1L << 20;

    /** Upper bound of {@code max-line}: the partial line is buffered in one array. */
    static final int MAX_MAX_LINE = 16 << 20;

    /**
     * The default {@code queue-budget} is this percentage, 25 %, of the smaller of the heap's
     * maximum and netty's direct memory cap: queued lines hold both (the bytes in a pooled direct
     * buffer, ~64 B of heap per queued duplicate), and a quarter leaves the rest to the other
     * listeners, HTTP bodies and the JVM. With the launcher's {@code -Xmx64m} (direct cap 32 MiB)
     * that is 8 MiB.
     */
    static final int QUEUE_BUDGET_PERCENT = 25;

    /** The smallest default {@code queue-budget}, 1 MiB: one reader's {@code max-queue} at the default. */
    static final long MIN_DEFAULT_QUEUE_BUDGET = 1L << 20;

    /**
     * 30 s from the first byte of a line to its end: {@code nc} and {@code telnet} send a line whole,
     * so only a client that drips bytes takes longer, and each byte it drips refreshes the idle
     * timeout; this bounds the whole line, as the HTTP header timeout bounds a request head.
     */
    static final long DEFAULT_LINE_TIMEOUT_SECONDS = 30;

    /**
     * The default {@code line-budget} is this fraction of the heap's maximum, 1/8: partial lines are
     * heap arrays, and an eighth next to the queue budget's quarter leaves the rest to the other
     * listeners and the JVM. With the launcher's {@code -Xmx64m} that is 8 MiB: 2,048 users with a
     * full 4 KiB line in pieces at once, where users typing in {@code nc} hold none.
     */
    static final int LINE_BUDGET_DIVISOR = 8;

    /** The smallest default {@code line-budget}, 256 KiB: 64 full lines at the default {@code max-line}. */
    static final long MIN_DEFAULT_LINE_BUDGET = 256 * 1024;

    ChatSettings {
        if (maxLine < 1 || maxLine > MAX_MAX_LINE) {
            throw new IllegalArgumentException("chat option max-line must be between 1 and " + MAX_MAX_LINE + ": " + maxLine);
        }
        if (maxQueue < 1) {
            throw new IllegalArgumentException("chat option max-queue must be positive: " + maxQueue);
        }
        if (queueBudget < 1) {
            throw new IllegalArgumentException("chat option queue-budget must be positive: " + queueBudget);
        }
        if (lineTimeoutSeconds < 1) {
            throw new IllegalArgumentException("chat option line-timeout must be at least 1 (seconds): " + lineTimeoutSeconds);
        }
        if (lineBudget <= maxLine) {
            throw new IllegalArgumentException("chat option line-budget must be more than max-line (" + maxLine + "): " + lineBudget);
        }
    }

    /** The defaults, the queue budget sized from this JVM's memory. */
    static ChatSettings defaults() {
        return new ChatSettings(DEFAULT_MAX_LINE, DEFAULT_MAX_QUEUE, defaultQueueBudget(), DEFAULT_LINE_TIMEOUT_SECONDS,
                defaultLineBudget(Runtime.getRuntime().maxMemory()));
    }

    /** 1/{@value #LINE_BUDGET_DIVISOR} of {@code heapMax}, at least {@link #MIN_DEFAULT_LINE_BUDGET} (also for an unknown heap). */
    static long defaultLineBudget(long heapMax) {
        if (heapMax <= 0 || heapMax == Long.MAX_VALUE) {
            return MIN_DEFAULT_LINE_BUDGET;
        }
        return Math.max(MIN_DEFAULT_LINE_BUDGET, heapMax / LINE_BUDGET_DIVISOR);
    }

    /** {@value #QUEUE_BUDGET_PERCENT} % of this JVM's heap maximum or netty's direct cap, whichever is smaller. */
    static long defaultQueueBudget() {
        return defaultQueueBudget(Runtime.getRuntime().maxMemory(), PlatformDependent.maxDirectMemory());
    }

    /** The rule of {@link #defaultQueueBudget()} for given pool sizes (a non-positive size is unknown). */
    static long defaultQueueBudget(long heapMax, long directMax) {
        long pool = heapMax > 0 && heapMax != Long.MAX_VALUE ? heapMax : Long.MAX_VALUE;
        if (directMax > 0) {
            pool = Math.min(pool, directMax);
        }
        if (pool == Long.MAX_VALUE) {
            return MIN_DEFAULT_QUEUE_BUDGET;
        }
        return Math.max(MIN_DEFAULT_QUEUE_BUDGET, pool > Long.MAX_VALUE / 100 ? pool / 100 * QUEUE_BUDGET_PERCENT : pool * QUEUE_BUDGET_PERCENT / 100);
    }

    /**
     * Reads {@code max-line}, {@code max-queue}, {@code queue-budget}, {@code line-timeout} (seconds)
     * and {@code line-budget}; a malformed or out-of-range value names the option. The default line
     * budget is raised to hold at least 64 lines of a {@code max-line} set larger.
     */
    static ChatSettings from(ListenerContext listener) {
        long maxLine = listener.longOption("max-line", DEFAULT_MAX_LINE);
        if (maxLine < 1 || maxLine > MAX_MAX_LINE) {
            throw new IllegalArgumentException("chat option max-line must be between 1 and " + MAX_MAX_LINE + ": " + maxLine);
        }
        return new ChatSettings((int) maxLine, listener.longOption("max-queue", DEFAULT_MAX_QUEUE),
                listener.longOption("queue-budget", defaultQueueBudget()),
                listener.longOption("line-timeout", DEFAULT_LINE_TIMEOUT_SECONDS),
                listener.longOption("line-budget", Math.max(defaultLineBudget(Runtime.getRuntime().maxMemory()), 64 * (maxLine + 1))));
    }
}
