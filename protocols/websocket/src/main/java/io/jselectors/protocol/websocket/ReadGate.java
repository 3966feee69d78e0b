package io.jselectors.protocol.websocket;

import io.jselectors.protocol.Connection;
import io.netty.buffer.ByteBuf;

/**
 * Whether a session reads its socket, for two reasons that hold independently: the endpoint paused
 * its input ({@link io.jselectors.protocol.WebSocketSession#pauseReading()}) or the outbound queue
 * is over the high water mark. While the endpoint has paused, the rest of the read it paused in is
 * kept here (ownership and all), to be decoded when it resumes. On the connection's loop only.
 */
final class ReadGate {

    private final Connection connection;
    private boolean endpointPaused;
    private boolean notWritable;
    /** The rest of a read, kept while the endpoint has paused; null when none. */
    private ByteBuf held;

    ReadGate(Connection connection) {
        this.connection = connection;
    }

    boolean endpointPaused() {
        return endpointPaused;
    }

    /** The endpoint paused: the socket is not read until it resumes. */
    void pause() {
        endpointPaused = true;
        connection.pauseReading();
    }

    /** @return whether the endpoint had paused (then what was kept is to be handed on) */
    boolean resume() {
        boolean was = endpointPaused;
        endpointPaused = false;
        return was;
    }

    /** Keeps {@code data} (owned) behind what is kept already, if a read comes while some is. */
    boolean keepIfHolding(ByteBuf data) {
        if (held == null) {
            return false;
        }
        ByteBuf both = connection.alloc().buffer(held.readableBytes() + data.readableBytes());
        both.writeBytes(held).writeBytes(data);
        held.release();
        data.release();
        held = both;
        return true;
    }

    /** After decoding stopped: keeps the rest of {@code data} if the endpoint paused; whether it did. */
    boolean keepRest(ByteBuf data) {
        if (!endpointPaused || !data.isReadable() || !connection.isOpen()) {
            return false;
        }
        held = data;
        return true;
    }

    /** What was kept (owned by the caller now), or null. */
    ByteBuf takeHeld() {
        ByteBuf rest = held;
        held = null;
        return rest;
    }

    void writable(boolean writable) {
        notWritable = !writable;
        if (!writable) {
            connection.pauseReading();
        } else {
            readOn();
        }
    }

    /** Reads the socket again unless a reason to pause still holds. */
    void readOn() {
        if (!endpointPaused && !notWritable && connection.isOpen()) {
            connection.resumeReading();
        }
    }

    void release() {
        ByteBuf rest = takeHeld();
        if (rest != null) {
            rest.release();
        }
    }
}
