package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * What a layered connection keeps behind its {@link Layer} once a file is sent: the file region,
 * then every later write and region, in the order the handler gave them, until each may go. A
 * region goes to the outbound queue only once the layer has let the writes before it go (TLS
 * holds writes until its handshake has finished: {@link Layer#holdsWrites()}); a write after a
 * region goes to the layer only once that region has been read and encoded, since a layer that
 * numbers its records (TLS) must encode in wire order. {@link #replay} hands them over.
 *
 * <p>A connection without a layer, or one that never sends a file, never creates one. Loop
 * thread only; it owns every buffer and region in it.
 */
final class LayerBacklog {

    /** Handler writes ({@link ByteBuf}) and file regions ({@link FileRegion}), oldest first. */
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private long bytes;

    void add(ByteBuf write) {
        items.add(write);
        bytes += write.readableBytes() + ConnectionLimits.ENTRY_OVERHEAD;
    }

    void add(FileRegion region) {
        items.add(region);
        bytes += region.remaining() + ConnectionLimits.ENTRY_OVERHEAD;
    }

    /**
     * Bytes of writes and regions waiting here, plus {@link ConnectionLimits#ENTRY_OVERHEAD} each
     * (as the outbound queue counts them); they count as the connection's pending bytes.
     */
    long bytes() {
        return bytes;
    }

    /**
     * Hands over, in order, what may go now: writes to the layer's {@code encode}, and a region to
     * the outbound queue once the layer has flushed the writes before it. Stops at the first
     * region while the queue still holds one (writes after a file are encoded only once it has
     * been read and encoded: TLS numbers its records in the order they are made) and before a
     * region while the layer holds writes. The caller calls it only while the layer takes writes.
     *
     * @return whether the backlog is empty now
     */
    boolean replay(Layer layer, LayerSink sink, OutboundQueue outbound) throws IOException {
        while (!items.isEmpty() && !outbound.queueHasRegions()) {
            Object item = items.pollFirst();
            if (item instanceof ByteBuf write) {
                bytes -= write.readableBytes() + ConnectionLimits.ENTRY_OVERHEAD;
                layer.encode(write, sink); // the layer owns it now, even if it throws
                continue;
            }
            layer.flush(sink); // the writes before this region go to the queue first
            FileRegion region = (FileRegion) item;
            if (layer.holdsWrites()) {
                items.addFirst(region);
                return false;
            }
            bytes -= region.remaining() + ConnectionLimits.ENTRY_OVERHEAD;
            outbound.queueAdd(region);
        }
        layer.flush(sink); // the writes after the last region handed over
        return items.isEmpty();
    }

    /** Releases every write and closes every region: the connection closed. */
    void discard() {
        for (Object item; (item = items.pollFirst()) != null; ) {
            if (item instanceof ByteBuf write) {
                write.release();
            } else {
                ((FileRegion) item).close();
            }
        }
        bytes = 0;
    }
}
