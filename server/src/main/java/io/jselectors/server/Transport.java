package io.jselectors.server;

import io.jselectors.connection.FileRegion;
import io.jselectors.connection.WriteResult;
import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * How the server talks to sockets: {@code native} (posix fds through FFM, on epoll, kqueue, poll
 * or select) or {@code nio} (JDK channels on the nio backend). Loops, connections and protocols
 * are the same above it; only the few calls below differ.
 */
interface Transport {

    /** {@code native} or {@code nio}. */
    String name();

    /** Opens a selector for one loop: {@code backend} by name, or this transport's default if null. */
    Selector openSelector(String backend) throws IOException;

    /**
     * As {@link #openSelector(String)}, edge-triggered if {@code edgeTriggered} and the backend can
     * be ({@link Selector#isEdgeTriggered()} says which it got); a worker's connections read by its rules.
     */
    default Selector openSelector(String backend, boolean edgeTriggered) throws IOException {
        return openSelector(backend);
    }

    /**
     * Binds and listens, non-blocking; accepted connections get {@code socketBuffer} bytes of
     * receive and send buffer each, or the kernel's defaults and autotuning when it is 0.
     */
    ListenSocket listen(InetSocketAddress address, int backlog, int socketBuffer) throws IOException;

    /** Per-loop I/O scratch memory; one per loop thread, never shared. */
    IoScratch newScratch();

    /** A listening socket. */
    interface ListenSocket extends Closeable {
        /** What to register with the loop's selector. */
        Object fileobj();

        InetSocketAddress localAddress();

        /**
         * Accepts one pending connection, non-blocking and close-on-exec.
         *
         * @return the connection, or {@code null} when none is pending
         * @throws OutOfResourcesException when the process or system is out of fds or memory
         * @throws IOException for other errors; both call for a pause
         */
        StreamSocket accept(IoScratch scratch) throws IOException;
    }

    /** A connected stream socket. All I/O is non-blocking. */
    interface StreamSocket extends Closeable {
        /** What to register with the loop's selector. */
        Object fileobj();

        /**
         * Reads into {@code dst}'s writable bytes (advancing its writer index).
         *
         * @return bytes read, {@code 0} if nothing is waiting, {@code -1} at end of stream
         * @throws IOException on a reset or other socket error
         */
        int read(ByteBuf dst, IoScratch scratch) throws IOException;

        /**
         * Writes as much of the first {@code maxBuffers} queued buffers ({@code first}, then
         * {@code rest}'s in order; {@code rest} is {@code null} or empty when there is one) as the
         * socket takes now, in one gathering write of at most {@link IoScratch#MAX_GATHER} buffers.
         * Does not change the queue.
         *
         * @return a {@link WriteResult}: bytes written, and whether the socket took fewer than it
         *     was offered (it is full)
         */
        long write(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers, IoScratch scratch) throws IOException;

        /** Opens a file range to send from this socket: zero-copy where the transport can. */
        default FileRegion openFile(Path path, long position, long length) throws IOException {
            return FileRegion.ofChannel(path, position, length);
        }

        /**
         * Sends from a region {@link #openFile} made, without advancing it.
         *
         * @return a {@link WriteResult}, or {@link WriteResult#COPY} to have it read into buffers
         */
        default long sendFile(FileRegion region, IoScratch scratch) throws IOException {
            return WriteResult.COPY;
        }

        /** Sends FIN after what was written. */
        void shutdownOutput() throws IOException;

        /** Makes the next close send RST instead of FIN (SO_LINGER 0). */
        void resetOnClose();

        InetSocketAddress remoteAddress();

        InetSocketAddress localAddress();
    }

    /**
     * Accepting failed because the process or the system ran out of file descriptors or memory
     * (EMFILE, ENFILE, ENOBUFS, ENOMEM; the JDK's "Too many open files"): each transport classifies
     * its own errors, so the acceptor's message is the same on both.
     */
    final class OutOfResourcesException extends IOException {
        OutOfResourcesException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
