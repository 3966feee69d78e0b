package io.jselectors.protocol.http.client;

import io.jselectors.posix.Errno;
import io.jselectors.posix.Native;
import io.jselectors.posix.socket.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The client's two socket calls, {@code send} and {@code recv}, through one native buffer that
 * every connection and both directions share (the loop makes one call at a time), from and into heap {@link
 * ByteBuffer}s. Results follow the system calls: bytes moved, 0 for end of stream (recv), or a
 * negated errno ({@code -EAGAIN}: would block); {@code EINTR} is retried. Loop thread only.
 */
final class SocketIo {

    /** Bytes moved per call at most: enough for a small response, or a TLS record and more, in one call. */
    static final int CHUNK = 64 * 1024;

    private final MemorySegment callState;
    private final MemorySegment buffer;

    /** Allocates the buffer and the errno call state in {@code arena}, which must outlive this. */
    SocketIo(Arena arena) {
        this.callState = Native.newCallState(arena);
        this.buffer = arena.allocate(CHUNK);
    }

    /** Sends what {@code src} has remaining (up to {@link #CHUNK}), advancing its position. */
    long send(int fd, ByteBuffer src) {
        int len = Math.min(src.remaining(), CHUNK);
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, buffer, 0, len);
        long n;
        do {
            // SAFETY: buffer lives as long as the client's arena, and len <= CHUNK, its size.
            n = Sockets.send(callState, fd, buffer.address(), len);
        } while (n == -Errno.EINTR);
        if (n > 0) {
            src.position(src.position() + (int) n);
        }
        return n;
    }

    /** Receives into the space {@code dst} has remaining (up to {@link #CHUNK}), advancing its position. */
    long recv(int fd, ByteBuffer dst) {
        int len = Math.min(dst.remaining(), CHUNK);
        long n;
        do {
            // SAFETY: buffer lives as long as the client's arena, and len <= CHUNK, its size.
            n = Sockets.recv(callState, fd, buffer.address(), len);
        } while (n == -Errno.EINTR);
        if (n > 0) {
            MemorySegment.copy(buffer, 0, MemorySegment.ofBuffer(dst), 0, n);
            dst.position(dst.position() + (int) n);
        }
        return n;
    }
}
