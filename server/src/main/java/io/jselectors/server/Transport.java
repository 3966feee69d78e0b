package io.jselectors.server;

import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
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

    /** Binds and listens, non-blocking. */
    ListenSocket listen(InetSocketAddress address, int backlog) throws IOException;

    /** Per-loop native scratch (call state, iovec array); one per loop thread, never shared. */
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
         * @throws IOException for errors that call for a pause (EMFILE, ENFILE, ENOBUFS, ENOMEM)
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
         * Writes as much of the queued buffers as the socket takes now, in one gathering write.
         * Does not change the queue.
         *
         * @return bytes written, {@code 0} if the socket is full
         */
        long write(ArrayDeque<ByteBuf> queue, IoScratch scratch) throws IOException;

        /** Sends FIN after what was written. */
        void shutdownOutput() throws IOException;

        /** Makes the next close send RST instead of FIN (SO_LINGER 0). */
        void resetOnClose();

        InetSocketAddress remoteAddress();

        InetSocketAddress localAddress();
    }

    /** Per-loop buffers for native calls. */
    interface IoScratch {}
}
