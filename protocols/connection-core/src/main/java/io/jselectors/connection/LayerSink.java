package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's side of its {@link Layer}: decoded bytes to the handler, encoded ones to the
 * queue, and the layered write path: handler writes and files in order through the layer (a file
 * and what follows it wait in a {@link LayerBacklog}), the layered flush, and the layer's goodbye
 * after every file.
 */
final class LayerSink implements Layer.Sink {

    private final AbstractConnection connection;
    private final Layer layer;
    /** While encoding a file chunk: where the encoded bytes go instead of the queue's tail. */
    private List<ByteBuf> aside;
    /** A file sent, and what was written after it, until they may go; {@code null} when none. */
    private LayerBacklog backlog;
    /** close() came while files were queued: the layer says goodbye once they are all encoded. */
    private boolean closingDeferred;

    LayerSink(AbstractConnection connection, Layer layer) {
        this.connection = connection;
        this.layer = layer;
    }

    /**
     * A handler write: to the layer, or behind a file still waiting or still being read. A file in
     * the queue is encoded a chunk at a time as the socket takes it, so a write made meanwhile
     * waits in the backlog until the last chunk is encoded: TLS numbers its records in the order
     * it makes them, and the write's record must come after the file's.
     */
    void write(ByteBuf data) throws IOException {
        if (backlog == null && connection.queueHasRegions()) {
            backlog = new LayerBacklog();
        }
        if (backlog != null) {
            backlog.add(data);
        } else {
            layer.encode(data, this);
        }
    }

    /** A file: the writes the layer still collects go first; it and what follows go through the backlog. */
    void sendFile(Path path, long position, long length) throws IOException {
        layer.flush(this);
        FileRegion region = FileRegion.ofChannel(path, position, length); // read in chunks: the layer encodes them
        if (backlog == null) {
            backlog = new LayerBacklog();
        }
        backlog.add(region);
    }

    /**
     * The layered flush: hands the backlog over as far as it may go and drains, again each time a
     * file has been read out entirely (so at most one chunk of a file is read ahead of the socket);
     * then, once every file is encoded, the layer's goodbye if {@link #closing} deferred it.
     */
    void flush() throws IOException {
        AbstractConnection c = connection;
        layer.flush(this);
        while (true) {
            if (backlog != null && !layer.holdsWrites() && backlog.replay(layer, this, c)) {
                backlog = null;
            }
            c.drainQueue(layer, this);
            if (backlog == null || layer.holdsWrites() || c.queueHasRegions()) {
                break;
            }
        }
        if (closingDeferred && backlog == null && !c.queueHasRegions()) {
            closingDeferred = false;
            layer.closing(this); // every file is encoded: close_notify goes after them
            c.drainQueue(layer, this);
        }
    }

    /** The handler closed: the layer's goodbye now, or after the files (read and encoded lazily). */
    void closing() throws IOException {
        if (backlog != null || connection.queueHasRegions()) {
            closingDeferred = true;
        } else {
            layer.closing(this);
        }
    }

    /** What the layer holds back plus what waits in the backlog. */
    long pendingBytes() {
        return layer.pendingBytes() + (backlog == null ? 0 : backlog.bytes());
    }

    /** Whether output waits that the layer cannot send yet (its held writes, or the backlog). */
    boolean holdsOutput() {
        return layer.pendingBytes() > 0 || backlog != null;
    }

    /** The connection closed: drops the backlog and lets the layer release what it holds. */
    void close() {
        if (backlog != null) {
            backlog.discard();
            backlog = null;
        }
        layer.close();
    }

    @Override
    public void deliver(ByteBuf plain) {
        if (connection.isOpen()) {
            connection.deliver(plain);
        } else {
            plain.release();
        }
    }

    /** Encodes {@code chunk} (read from a file region) and returns the wire bytes instead of queueing them. */
    List<ByteBuf> encodeAside(Layer layer, ByteBuf chunk) throws IOException {
        List<ByteBuf> out = new ArrayList<>(2);
        aside = out;
        try {
            layer.encode(chunk, this);
            layer.flush(this); // a collecting layer encodes now, into this chunk's place in the queue
        } finally {
            aside = null;
        }
        return out;
    }

    @Override
    public void send(ByteBuf wire) {
        if (aside != null) {
            aside.add(wire);
        } else if (!connection.isOpen()) {
            wire.release();
        } else if (connection.queueHasRegions()) {
            // The layer spoke on its own (TLS answering a KeyUpdate) while a file is being encoded:
            // its bytes were made after the chunks already queued and before the file's rest.
            connection.enqueueAheadOfFile(wire);
        } else {
            connection.enqueue(wire);
        }
    }
}
