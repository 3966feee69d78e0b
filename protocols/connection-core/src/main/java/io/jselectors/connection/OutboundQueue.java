package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A connection's outbound bytes in write order: buffers with a memory address, and file regions
 * between them. The queue owns every buffer and region in it. Loop thread only.
 *
 * <p>The first buffer sits in a field and the ones behind it in a deque made when a second buffer
 * first waits: most connections queue one buffer per flush (an HTTP read's answers, an echo), and a
 * request that touches only the field reads one object fewer, in cache lines a cold connection has
 * to fetch (bench/PROFILE.md, eighth pass), and an idle connection holds no deque. A busy one keeps
 * its deque for life once made.
 *
 * <p>Regions live in a deque of their own, each knowing how many buffers precede it, so the buffers
 * stay what the transport's gathering write walks and a connection that never sends a file
 * pays one null check per released buffer. A write never passes a region: {@link #writeLimit()} is
 * the number of buffers ahead of the first one.
 *
 * <p>{@link #bytes()} is what the queue costs, not only what it will send: each buffer and region
 * counts {@link ConnectionLimits#ENTRY_OVERHEAD} on top of its readable bytes, so the water marks
 * and a protocol's own queue limit see many one-byte entries (a chat line fanned out as a duplicate
 * per member) as the heap they hold.
 */
final class OutboundQueue {

    /**
     * Room for {@value #INITIAL_ENTRIES} buffers behind the first before the deque first grows: a
     * connection that ever queues two buffers at once has one, and ArrayDeque's default (16
     * entries, an 80-byte array with compact headers) would be most of its heap; 3 take a 32-byte
     * array. A busy connection grows it twice to reach a 16-deep pipeline and keeps that for life.
     */
    private static final int INITIAL_ENTRIES = 3;

    /** The first queued buffer, or {@code null} when none is queued. */
    private ByteBuf first;
    /** The buffers behind {@link #first}, in order; {@code null} until two buffers first waited. */
    private ArrayDeque<ByteBuf> rest;
    /** Queued regions in order, or {@code null} when there are none. */
    private ArrayDeque<FileRegion> regions;
    private int buffersBehindLastRegion;
    /** Readable bytes plus {@link ConnectionLimits#ENTRY_OVERHEAD} per queued buffer and region. */
    private long bytes;
    private long unflushed;

    /**
     * Takes ownership of {@code data} and queues it; heap and composite buffers are copied once so
     * every queued buffer has an address for the gathering write.
     *
     * @return the bytes queued (0 for an empty buffer, which is released)
     */
    int add(ByteBuf data, ByteBufAllocator alloc) {
        ByteBuf direct = data;
        if (!data.hasMemoryAddress()) {
            direct = alloc.directBuffer(data.readableBytes());
            direct.writeBytes(data, data.readerIndex(), data.readableBytes());
            data.release();
        }
        int n = direct.readableBytes();
        if (n == 0) {
            direct.release();
            return 0;
        }
        if (first == null) {
            first = direct;
        } else {
            if (rest == null) {
                rest = new ArrayDeque<>(INITIAL_ENTRIES);
            }
            rest.add(direct);
        }
        if (regions != null) {
            buffersBehindLastRegion++;
        }
        bytes += n + ConnectionLimits.ENTRY_OVERHEAD;
        unflushed += n;
        return n;
    }

    /**
     * Queues {@code data} ahead of the one queued region and behind every buffer before it: the
     * bytes a layer makes on its own (TLS answering a KeyUpdate) while a file is read and encoded
     * a chunk at a time. The file's chunks encoded so far are ahead of the region; its rest will be
     * encoded after these bytes, so it must follow them. Only for a layered connection, where a
     * region is always the queue's last entry (what follows a file waits in the layer backlog).
     *
     * @return the bytes queued
     */
    int addAheadOfRegion(ByteBuf data, ByteBufAllocator alloc) {
        if (regions == null || regions.size() != 1 || buffersBehindLastRegion != 0) {
            data.release();
            throw new IllegalStateException("bytes ahead of a file need exactly one file, last in the queue");
        }
        int n = add(data, alloc);
        if (n > 0) {
            buffersBehindLastRegion = 0; // add counted the buffer behind the region: it is ahead of it
            regions.peekFirst().buffersAhead++;
        }
        return n;
    }

    /** Queues {@code region} after everything queued so far; the queue owns it now. */
    void add(FileRegion region) {
        if (regions == null) {
            regions = new ArrayDeque<>();
            region.buffersAhead = bufferCount();
        } else {
            region.buffersAhead = buffersBehindLastRegion;
        }
        buffersBehindLastRegion = 0;
        regions.add(region);
        bytes += region.remaining() + ConnectionLimits.ENTRY_OVERHEAD;
        unflushed += region.remaining();
    }

    /** The most buffers a write may take from the head: those before the first region. */
    int writeLimit() {
        return regions == null ? Integer.MAX_VALUE : regions.peekFirst().buffersAhead;
    }

    /** The first region if no buffer is ahead of it, else {@code null}. */
    FileRegion headRegion() {
        return regions != null && regions.peekFirst().buffersAhead == 0 ? regions.peekFirst() : null;
    }

    /** Whether a region is queued. */
    boolean hasRegions() {
        return regions != null;
    }

    /** The socket took {@code n} bytes from the head buffers: releases what is fully sent. */
    void consume(long n) {
        bytes -= n;
        while (n > 0) {
            ByteBuf head = first;
            int readable = head.readableBytes();
            if (readable <= n) {
                n -= readable;
                bytes -= ConnectionLimits.ENTRY_OVERHEAD;
                first = rest == null ? null : rest.pollFirst();
                head.release();
                if (regions != null) {
                    regions.peekFirst().buffersAhead--;
                }
            } else {
                head.skipBytes((int) n);
                n = 0;
            }
        }
    }

    /** {@code n} bytes of the head region were sent (or read into buffers queued ahead of it). */
    void regionSent(FileRegion region, long n) {
        region.advance(n);
        bytes -= n;
        if (region.remaining() == 0) {
            bytes -= ConnectionLimits.ENTRY_OVERHEAD;
            regions.pollFirst();
            region.close();
            if (regions.isEmpty()) {
                regions = null;
                buffersBehindLastRegion = 0;
            }
        }
    }

    /** Puts {@code chunk} (bytes read from the head region, or their encoding) at the head. */
    private void addFirst(List<ByteBuf> chunk) {
        for (int i = chunk.size() - 1; i >= 0; i--) {
            ByteBuf b = chunk.get(i);
            if (first != null) {
                if (rest == null) {
                    rest = new ArrayDeque<>(INITIAL_ENTRIES);
                }
                rest.addFirst(first);
            }
            first = b;
            bytes += b.readableBytes() + ConnectionLimits.ENTRY_OVERHEAD;
            if (regions != null) {
                regions.peekFirst().buffersAhead++;
            }
        }
    }

    /**
     * A flush: writes buffers and sends regions until the queue is empty or the socket is full,
     * reading a region into buffers where it cannot go to the socket directly (a layer is in the
     * way, or the transport has no zero-copy path).
     */
    void drain(AbstractConnection c, Layer layer, LayerSink sink) throws IOException {
        unflushed = 0;
        while (!isEmpty()) {
            FileRegion region = headRegion();
            long result;
            if (region == null) {
                result = c.kernelWrite(first, rest, writeLimit());
            } else if ((result = layer == null ? c.kernelSendFile(region) : WriteResult.COPY) == WriteResult.COPY) {
                readAhead(region, c.alloc(), layer, sink);
                continue;
            }
            long n = WriteResult.written(result);
            if (n > 0) {
                c.onBytesWritten(n);
                if (region == null) {
                    consume(n);
                } else {
                    regionSent(region, n);
                }
            }
            if (WriteResult.isFull(result)) {
                return;
            }
        }
    }

    /** Reads the next chunk of the head region into a buffer (through the layer) queued ahead of it. */
    private void readAhead(FileRegion region, ByteBufAllocator alloc, Layer layer, LayerSink sink) throws IOException {
        ByteBuf chunk = alloc.directBuffer((int) Math.min(FileRegion.CHUNK, region.remaining()));
        try {
            region.read(chunk);
        } catch (IOException | RuntimeException e) {
            chunk.release();
            throw e;
        }
        regionSent(region, chunk.readableBytes());
        addFirst(layer == null ? List.of(chunk) : sink.encodeAside(layer, chunk));
    }

    /** A flush started: what is queued now counts as flushed. */
    void flushed() {
        unflushed = 0;
    }

    /** Releases every buffer and closes every region: the connection closed. */
    void discard() {
        if (first != null) {
            first.release();
            first = null;
        }
        if (rest != null) {
            for (ByteBuf b; (b = rest.pollFirst()) != null; ) {
                b.release();
            }
        }
        if (regions != null) {
            regions.forEach(FileRegion::close);
            regions = null;
        }
        buffersBehindLastRegion = 0;
        bytes = 0;
        unflushed = 0;
    }

    boolean isEmpty() {
        return first == null && regions == null;
    }

    /** The queue's cost: readable bytes plus the per-entry overhead (see the class comment). */
    long bytes() {
        return bytes;
    }

    long unflushedBytes() {
        return Math.min(unflushed, bytes);
    }

    /** How many buffers are queued. */
    int bufferCount() {
        return first == null ? 0 : rest == null ? 1 : 1 + rest.size();
    }

    /** Whether the deque behind the first buffer exists (made when two buffers first waited). */
    boolean hasDeque() {
        return rest != null;
    }
}
