package io.jselectors.server;

import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boss loop's handler for one listener: accepts what is pending and deals the connections to
 * the workers round robin.
 *
 * <p>When the process runs out of fds (EMFILE, ENFILE) or memory, the listener stays readable, so
 * retrying at once would spin the loop. Instead it stops watching the listener for {@link
 * #BACKOFF_MS} and logs once per burst; the pending connections wait in the kernel's backlog.
 *
 * <p>At {@code --max-connections} a new connection is refused: it gets the protocol's {@link
 * io.jselectors.protocol.Protocol#refusal() refusal} (HTTP's 503, chat's error line) in one
 * non-blocking write, its output is shut down, what it already sent is read and dropped (closing
 * with unread input would send a reset that can destroy the answer), and it is closed; the
 * closed-by-cause meter counts it as {@code limit}.
 */
final class Acceptor implements IoLoop.IoHandler {

    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);

    /** How long accepting pauses after EMFILE/ENFILE: long enough to let connections close. */
    static final long BACKOFF_MS = 100;

    /** Accepts per readiness event, so one flooded listener cannot starve the others. */
    static final int MAX_ACCEPTS_PER_EVENT = 256;

    /**
     * Bytes read and dropped from a refused connection before it is closed: 4 KiB, a request head
     * that arrived with the connection. More would let refused clients cost the boss loop work.
     */
    static final int REFUSED_INPUT_DRAIN = 4 * 1024;

    private final IoLoop boss;
    private final Listener listener;
    private final List<Worker> workers;
    private final IoScratch scratch;
    private final int maxConnections;
    private final ConnectionCount count;
    private int next;
    private boolean backingOff;
    private long failuresInBurst;
    private boolean closed;
    /** The protocol's refusal in a direct buffer (written by address), or {@code null}; never consumed. */
    private ByteBuf refusal;
    /** Where a refused connection's early input is read to and dropped; allocated at the first refusal. */
    private ByteBuf drain;

    Acceptor(IoLoop boss, Listener listener, List<Worker> workers, Transport transport, int maxConnections,
            ConnectionCount count) {
        this.boss = boss;
        this.listener = listener;
        this.workers = workers;
        this.scratch = transport.newScratch();
        this.maxConnections = maxConnections;
        this.count = count;
        byte[] bytes = listener.plugin().refusal();
        if (bytes != null && bytes.length > 0) {
            refusal = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        }
    }

    /** Starts watching the listener; runs on the boss loop. */
    void start() throws IOException {
        boss.selector().register(listener.socket().fileobj(), Selector.EVENT_READ, this);
    }

    @Override
    public void onReady(int events) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !closed; i++) {
            Transport.StreamSocket socket;
            try {
                socket = listener.socket().accept(scratch);
            } catch (IOException e) {
                acceptFailed(e);
                return;
            }
            if (socket == null) {
                break;
            }
            if (failuresInBurst > 0) {
                log.info("{}: accepting again after {} failed accepts", listener, failuresInBurst);
                failuresInBurst = 0;
            }
            if (count.total() >= maxConnections) {
                // Over the limit: answer and close at once, so the client is not left hanging in the backlog.
                refuse(socket);
                continue;
            }
            Worker worker = workers.get(next);
            next = next + 1 == workers.size() ? 0 : next + 1;
            worker.adopt(listener, socket);
        }
    }

    private void refuse(Transport.StreamSocket socket) {
        listener.meters().closed(CloseCause.LIMIT);
        try {
            if (refusal != null) {
                socket.write(refusal, null, 1, scratch); // a new socket's send buffer takes a short message whole
                socket.shutdownOutput();
                if (drain == null) {
                    drain = Unpooled.directBuffer(REFUSED_INPUT_DRAIN);
                }
                socket.read(drain.clear(), scratch);
            }
        } catch (IOException ignored) {
            // The client is gone already: nothing to tell it.
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing more to do for a refused connection.
            }
        }
    }

    private void acceptFailed(IOException e) {
        listener.meters().acceptError();
        if (failuresInBurst++ == 0) {
            boolean exhausted = e instanceof Transport.OutOfResourcesException;
            log.warn("{}: accept failed ({}){}; pausing accepts for {} ms", listener, e.getMessage(),
                    exhausted ? ": out of file descriptors or memory" : "", BACKOFF_MS);
        }
        if (backingOff) {
            return;
        }
        backingOff = true;
        try {
            boss.selector().unregister(listener.socket().fileobj());
        } catch (IOException | RuntimeException ex) {
            log.debug("{}: unregister during backoff: {}", listener, ex.toString());
        }
        boss.schedule(() -> {
            backingOff = false;
            if (closed) {
                return;
            }
            try {
                start();
            } catch (IOException ex) {
                log.error("{}: cannot watch the listener again", listener, ex);
            }
        }, BACKOFF_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops accepting and closes the listening socket; runs on the boss loop. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (refusal != null) {
            refusal.release();
            refusal = null;
        }
        if (drain != null) {
            drain.release();
            drain = null;
        }
        if (!backingOff) {
            try {
                boss.selector().unregister(listener.socket().fileobj());
            } catch (IOException | RuntimeException e) {
                log.debug("{}: unregister: {}", listener, e.toString());
            }
        }
        try {
            listener.socket().close();
        } catch (IOException e) {
            log.warn("{}: closing the listening socket", listener, e);
        }
    }

    /** The server-wide open connection count, for --max-connections. */
    interface ConnectionCount {
        int total();
    }
}
