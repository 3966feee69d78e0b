package io.jselectors.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One loop's reusable direct buffer: handed out again while nobody else holds it, so that a buffer
 * used and let go within a loop turn costs a reference-count retain and release instead of the
 * pool's allocate and free (the thread cache lookup, a queue poll and offer, the buffer object's
 * recycling: ~1.5 % of the worker per buffer under HTTP /hello, bench/PROFILE.md). The server's
 * read buffer, the HTTP protocol's output buffer and the TLS layer's plaintext
 * buffer (one per loop thread) are each one.
 *
 * <p>Ownership is unchanged for whoever takes a buffer: {@link #take} returns a buffer the caller
 * owns one reference of, to hand on (a connection's queue releases what it sent) or release. The
 * spare keeps a second reference; a spare whose count is back to one is the loop's alone and is
 * cleared and handed out again. One still held (queued behind a full socket, kept by a handler or
 * a layer) is left to its holder, who frees it, and a new one is allocated and kept instead. A
 * spare is reused only at exactly the capacity asked for, so a buffer someone keeps never pins
 * more memory than a freshly allocated one would.
 *
 * <p>Not thread-safe: one loop thread only. {@link #release} gives the spare back (an idle loop
 * should hold none).
 */
public final class BufferSpare {

    private ByteBuf spare;

    /** A spare holding nothing yet. */
    public BufferSpare() {}

    /**
     * A cleared direct buffer of exactly {@code capacity} from {@code alloc}; the caller owns one
     * reference. An allocator that does not pool gets nothing kept: its buffer is freed at once
     * anyway, so there is nothing to save.
     */
    public ByteBuf take(ByteBufAllocator alloc, int capacity) {
        ByteBuf s = spare;
        if (s != null) {
            if (s.refCnt() == 1 && s.capacity() == capacity && s.alloc() == alloc) {
                s.clear();
                return s.retain();
            }
            spare = null;
            s.release(); // freed now if it was ours alone, else when its holder lets go
        }
        ByteBuf fresh = alloc.directBuffer(capacity);
        if (!alloc.isDirectBufferPooled()) {
            return fresh;
        }
        spare = fresh;
        return fresh.retain();
    }

    /** Whether {@code b} is the spare and held by exactly one owner besides this spare. */
    public boolean isSpareWithOneOwner(ByteBuf b) {
        return b == spare && b.refCnt() == 2;
    }

    /** Drops the loop's reference to the spare, if any; a buffer still held stays with its holder. */
    public void release() {
        ByteBuf s = spare;
        if (s != null) {
            spare = null;
            s.release();
        }
    }
}
