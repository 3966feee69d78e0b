package io.jselectors.server;

import io.jselectors.posix.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * One loop's reusable I/O memory, never shared between threads: the errno call state and the
 * iovec array of the native transport, the ByteBuffer views of the nio one. A transport makes it
 * with {@link Transport#newScratch()} and fills only what it uses.
 */
final class IoScratch {

    /**
     * The most buffers one gathering write takes: IOV_MAX on Linux, macOS and FreeBSD (1024). A
     * longer queue is written in several calls; the socket says whether it took all it was offered.
     */
    static final int MAX_GATHER = 1024;

    /** struct iovec { void *base; size_t len; } on 64-bit. */
    static final long IOVEC_SIZE = 16;

    /** errno call state (native), or null. */
    final MemorySegment callState;
    /** MAX_GATHER iovecs (native), or null. */
    final MemorySegment iov;
    /** An off_t for sendfile's in/out offset (native), or null. */
    final MemorySegment fileOffset;
    /** MAX_GATHER buffer views (nio), or null. */
    final ByteBuffer[] views;

    private IoScratch(MemorySegment callState, MemorySegment iov, MemorySegment fileOffset, ByteBuffer[] views) {
        this.callState = callState;
        this.iov = iov;
        this.fileOffset = fileOffset;
        this.views = views;
    }

    /** Call state and iovecs for the native transport. */
    static IoScratch forNative() {
        Arena arena = Arena.ofAuto();
        return new IoScratch(Native.newCallState(arena), arena.allocate(IOVEC_SIZE * MAX_GATHER, 8),
                arena.allocate(ValueLayout.JAVA_LONG), null);
    }

    /** Buffer views for the nio transport. */
    static IoScratch forNio() {
        return new IoScratch(null, null, null, new ByteBuffer[MAX_GATHER]);
    }
}
