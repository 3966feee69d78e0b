package io.jselectors.server;

import io.jselectors.selector.Selector;
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
 */
final class Acceptor implements IoLoop.IoHandler {

    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);

    /** How long accepting pauses after EMFILE/ENFILE: long enough to let connections close. */
    static final long BACKOFF_MS = 100;

    /** Accepts per readiness event, so one flooded listener cannot starve the others. */
    static final int MAX_ACCEPTS_PER_EVENT = 256;

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

    Acceptor(IoLoop boss, Listener listener, List<Worker> workers, Transport transport, int maxConnections,
            ConnectionCount count) {
        this.boss = boss;
        this.listener = listener;
        this.workers = workers;
        this.scratch = transport.newScratch();
        this.maxConnections = maxConnections;
        this.count = count;
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
                // Over the limit: close at once, so the client sees EOF instead of hanging in the backlog.
                listener.meters().closed(CloseCause.LIMIT);
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Nothing to tell the client anyway.
                }
                continue;
            }
            Worker worker = workers.get(next);
            next = next + 1 == workers.size() ? 0 : next + 1;
            worker.adopt(listener, socket);
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
