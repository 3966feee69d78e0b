package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;

/**
 * The limits of one chat listener, read once from its options.
 *
 * @param maxLine the longest line a client may send, in bytes without its LF or CRLF
 * @param maxQueue how much one connection's outbound queue may cost before the chat gives up on
 *     that reader, in {@code pendingWriteBytes()} terms: the bytes plus a fixed overhead (64 B in
 *     the server) per queued line, so many tiny lines count as the heap they hold
 */
record ChatSettings(int maxLine, long maxQueue) {

    /**
     * 4096 bytes: a long paragraph of text, and the classic line limit of line protocols (IRC uses
     * 512, Netty's HTTP decoder 4096 for the initial line). Larger lines are discarded with an
     * error, so a client without newlines cannot make the server buffer without end.
     */
    static final int DEFAULT_MAX_LINE = 4096;

    /**
     * 1 MiB: about ten thousand typical chat lines, far more than a reader that keeps up ever has
     * queued, yet small enough that a few thousand stalled readers cannot exhaust the server.
     */
    static final long DEFAULT_MAX_QUEUE = 1L << 20;

    /** Upper bound of {@code max-line}: the partial line is buffered in one array. */
    static final int MAX_MAX_LINE = 16 << 20;

    ChatSettings {
        if (maxLine < 1 || maxLine > MAX_MAX_LINE) {
            throw new IllegalArgumentException("chat option max-line must be between 1 and " + MAX_MAX_LINE + ": " + maxLine);
        }
        if (maxQueue < 1) {
            throw new IllegalArgumentException("chat option max-queue must be positive: " + maxQueue);
        }
    }

    /** The defaults. */
    static ChatSettings defaults() {
        return new ChatSettings(DEFAULT_MAX_LINE, DEFAULT_MAX_QUEUE);
    }

    /** Reads {@code max-line} and {@code max-queue}; a malformed or out-of-range value names the option. */
    static ChatSettings from(ListenerContext listener) {
        long maxLine = listener.longOption("max-line", DEFAULT_MAX_LINE);
        if (maxLine < 1 || maxLine > MAX_MAX_LINE) {
            throw new IllegalArgumentException("chat option max-line must be between 1 and " + MAX_MAX_LINE + ": " + maxLine);
        }
        return new ChatSettings((int) maxLine, listener.longOption("max-queue", DEFAULT_MAX_QUEUE));
    }
}
