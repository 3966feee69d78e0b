package io.jselectors.protocol.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One loop's output buffer for a listener's connections, handed out again while nobody else holds
 * it: the answers to one read are collected in it and queued, and once the connection has sent
 * them (its queue releases the buffer) the next read's answers, on any connection of the loop, go
 * into the same memory. Under {@code wrk -c100 /hello} that is one pooled allocate and free less
 * per request (the server's read buffer is reused the same way, its {@code ReadSpare};
 * bench/PROFILE.md, fifth pass).
 *
 * <p>Ownership is unchanged for the handler: {@link #take} returns a buffer it owns one reference
 * of, to queue (the connection then owns it) or release. The spare keeps a second reference; a
 * spare whose count is back to one is the loop's alone and is cleared and handed out again. One
 * still held (queued behind a full socket, kept by a layer) is left to its holder, who frees it,
 * and a new one becomes the spare. Only {@link #SIZE} is kept: a larger request gets a buffer of
 * its own, so an answer the socket does not take at once never pins more than it needs.
 *
 * <p>Loop thread only. It counts the connections that use it ({@link #opened}, {@link #closed})
 * and gives the spare back when the last one closes, so an idle loop holds no buffer.
 */
final class OutputSpare {

    /** The size of the buffer the answers to one read are collected in (/hello's answer is ~130 bytes). */
    static final int SIZE = 4096;

    private ByteBuf spare;
    private int users;

    /** A connection of the loop will take buffers from this spare. */
    void opened() {
        users++;
    }

    /** A connection of the loop is done with it; the last one gives the spare back. */
    void closed() {
        if (--users == 0) {
            release();
        }
    }

    /** A buffer with room for at least {@code bytes}; the caller owns one reference. */
    ByteBuf take(ByteBufAllocator alloc, int bytes) {
        if (bytes > SIZE) {
            return alloc.directBuffer(bytes);
        }
        ByteBuf s = spare;
        if (s != null) {
            if (s.refCnt() == 1 && s.capacity() == SIZE) {
                s.clear();
                return s.retain();
            }
            spare = null;
            s.release(); // freed now if it was ours alone (it grew), else when its holder lets go
        }
        ByteBuf fresh = alloc.directBuffer(SIZE);
        if (users == 0) {
            return fresh; // no connection would give it back
        }
        spare = fresh;
        return fresh.retain();
    }

    /** Drops the loop's reference to the spare, if any. */
    void release() {
        ByteBuf s = spare;
        if (s != null) {
            spare = null;
            s.release();
        }
    }
}
