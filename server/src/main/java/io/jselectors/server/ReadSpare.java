package io.jselectors.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One loop's read buffer, handed to its connections again while nobody else holds it: a read a
 * handler has finished with (HTTP parses and releases it; echo's queue releases it once sent)
 * then costs a reference-count retain and release instead of the pool's allocate and free
 * (the thread cache lookup, a queue poll and offer, the buffer object's recycling: ~3.5 % of the
 * worker under HTTP /hello, bench/PROFILE.md, fourth pass).
 *
 * <p>Ownership is unchanged for the connection: {@link #take} returns a buffer it owns one
 * reference of and hands to the handler. The spare keeps a second reference; a spare whose count
 * is back to one is the loop's alone and is cleared and handed out again. One that is still held
 * (queued, kept by a layer) is left to its holder, who frees it, and a new one is allocated. A
 * spare is reused only at exactly the size asked for, so every read buffer has the capacity the
 * connection's adaptive read size chose, as before: a kept buffer never pins more memory than a
 * freshly allocated one would.
 *
 * <p>Loop thread only. {@link #release} gives the spare back when the loop has no connection left,
 * so an idle worker holds no buffer.
 */
final class ReadSpare {

    private ByteBuf spare;

    /** A buffer of {@code size} writable bytes for the next read; the caller owns one reference. */
    ByteBuf take(ByteBufAllocator alloc, int size) {
        ByteBuf s = spare;
        if (s != null) {
            if (s.refCnt() == 1 && s.capacity() == size) {
                s.clear();
                return s.retain();
            }
            spare = null;
            s.release(); // freed now if it was ours alone, else when its holder lets go
        }
        ByteBuf fresh = alloc.directBuffer(size);
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
