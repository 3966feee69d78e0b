package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A connection's side of its {@link Layer}: decoded bytes to the handler, encoded ones to the queue. */
final class LayerSink implements Layer.Sink {

    private final AbstractConnection connection;
    /** While encoding a file chunk: where the encoded bytes go instead of the queue's tail. */
    private List<ByteBuf> aside;

    LayerSink(AbstractConnection connection) {
        this.connection = connection;
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
        } else if (connection.isOpen()) {
            connection.enqueue(wire);
        } else {
            wire.release();
        }
    }
}
