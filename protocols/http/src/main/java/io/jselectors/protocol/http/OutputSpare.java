package io.jselectors.protocol.http;

import io.jselectors.protocol.BufferSpare;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One loop's output buffer for a listener's connections (a {@link BufferSpare}): the answers to
 * one read are collected in it and queued, and once the connection has sent them (its queue
 * releases the buffer) the next read's answers, on any connection of the loop, go into the same
 * memory. Under {@code wrk -c100 /hello} that is one pooled allocate and free less per request,
 * as the server's read buffer already is (bench/PROFILE.md, fifth pass).
 *
 * <p>An answer still queued behind a full socket keeps its buffer (the spare's reference-count
 * rule) and the next one gets another. Only {@link #SIZE} is kept: a larger request gets a buffer
 * of its own, so an answer the socket does not take at once never pins more than it needs.
 *
 * <p>Loop thread only. It counts the connections that use it ({@link #opened}, {@link #closed})
 * and gives the spare back when the last one closes, so an idle loop holds no buffer.
 */
final class OutputSpare {

    /** The size of the buffer the answers to one read are collected in (/hello's answer is ~130 bytes). */
    static final int SIZE = 4096;

    private final BufferSpare spare = new BufferSpare();
    private int users;

    /** A connection of the loop will take buffers from this spare. */
    void opened() {
        users++;
    }

    /** A connection of the loop is done with it; the last one gives the spare back. */
    void closed() {
        if (--users == 0) {
            spare.release();
        }
    }

    /** A buffer with room for at least {@code bytes}; the caller owns one reference. */
    ByteBuf take(ByteBufAllocator alloc, int bytes) {
        if (bytes > SIZE || users == 0) {
            return alloc.directBuffer(Math.max(bytes, SIZE)); // not kept: no connection would give it back
        }
        return spare.take(alloc, SIZE);
    }
}
