package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A connection's outbound bytes in write order: buffers with a memory address, and file regions
 * between them. The queue owns every buffer and region in it. Loop thread only.
 *
 * <p>The root of the connection's class hierarchy ({@code OutboundQueue} ← {@link
 * SelectableConnection} ← {@link Callbacks} ← {@link AbstractConnection}), package-private like
 * the other two parts: its fields are the connection's own, so a write and a flush do not hop to
 * a second object (one object fewer for a cold connection to fetch per request, the eighth
 * pass's lever in bench/PROFILE.md; its header and reference, less its padding, per connection).
 * The connection's flush loop ({@link AbstractConnection}'s {@code drainQueue}) walks it with the
 * transport's hooks. Its methods are named {@code queue…} so that they do not meet the
 * connection's own.
 *
 * <p>The first buffer sits in a field and the ones behind it in a deque made when a second buffer
 * first waits: most connections queue one buffer per flush (an HTTP read's answers, an echo), and a
 * request that touches only the field reads one object fewer, and an idle connection holds no
 * deque. A busy one keeps its deque for life once made.
 *
 * <p>Regions live in a deque of their own, each knowing how many buffers precede it, so the buffers
 * stay what the transport's gathering write walks and a connection that never sends a file
 * pays one null check per released buffer. A write never passes a region: {@link #queueWriteLimit()} is
 * the number of buffers ahead of the first one.
 *
 * <p>{@link #queueBytes()} is what the queue costs, not only what it will send: each buffer and region
 * counts {@link ConnectionLimits#ENTRY_OVERHEAD} on top of its readable bytes, so the water marks
 * and a protocol's own queue limit see many one-byte entries (a chat line fanned out as a duplicate
 * per member) as the heap they hold.
 */
abstract class OutboundQueue {

    /**
     * Room for {@value #INITIAL_ENTRIES} buffers behind the first before the deque first grows: a
     * connection that ever queues two buffers at once has one, and ArrayDeque's default (16
     * entries, an 80-byte array with compact headers) would be most of its heap; 3 take a 32-byte
     * array. A busy connection grows it twice to reach a 16-deep pipeline and keeps that for life.
     */
    private static final int INITIAL_ENTRIES = 3;

    /** The first queued buffer, or {@code null} when none is queued. */
    private ByteBuf firstBuffer;
    /** The buffers behind {@link #firstBuffer}, in order; {@code null} until two buffers first waited. */
    private ArrayDeque<ByteBuf> moreBuffers;
    /** Queued regions in order, or {@code null} when there are none. */
    private ArrayDeque<FileRegion> regions;
    private int buffersBehindLastRegion;
    /** Readable bytes plus {@link ConnectionLimits#ENTRY_OVERHEAD} per queued buffer and region. */
    private long cost;
    private long unflushed;

    /**
     * Takes ownership of {@code data} and queues it; heap and composite buffers are copied once so
     * every queued buffer has an address for the gathering write.
     *
     * @return the bytes queued (0 for an empty buffer, which is released)
     */
    final int queueAdd(ByteBuf data, ByteBufAllocator alloc) {
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
        if (firstBuffer == null) {
            firstBuffer = direct;
        } else {
            if (moreBuffers == null) {
                moreBuffers = new ArrayDeque<>(INITIAL_ENTRIES);
            }
            moreBuffers.add(direct);
        }
        if (regions != null) {
            buffersBehindLastRegion++;
        }
        cost += n + ConnectionLimits.ENTRY_OVERHEAD;
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
    final int queueAddAheadOfRegion(ByteBuf data, ByteBufAllocator alloc) {
        if (regions == null || regions.size() != 1 || buffersBehindLastRegion != 0) {
            data.release();
            throw new IllegalStateException("bytes ahead of a file need exactly one file, last in the queue");
        }
        int n = queueAdd(data, alloc);
        if (n > 0) {
            buffersBehindLastRegion = 0; // queueAdd counted the buffer behind the region: it is ahead of it
            regions.peekFirst().buffersAhead++;
        }
        return n;
    }

    /** Queues {@code region} after everything queued so far; the queue owns it now. */
    final void queueAdd(FileRegion region) {
        if (regions == null) {
            regions = new ArrayDeque<>();
            region.buffersAhead = queueBufferCount();
        } else {
            region.buffersAhead = buffersBehindLastRegion;
        }
        buffersBehindLastRegion = 0;
        regions.add(region);
        cost += region.remaining() + ConnectionLimits.ENTRY_OVERHEAD;
        unflushed += region.remaining();
    }

    /** The first queued buffer ({@code null} if none): what a write starts with. */
    final ByteBuf queueFirst() {
        return firstBuffer;
    }

    /** The buffers behind {@link #queueFirst()}, {@code null} or empty when there are none. */
    final ArrayDeque<ByteBuf> queueRest() {
        return moreBuffers;
    }

    /** The most buffers a write may take from the head: those before the first region. */
    final int queueWriteLimit() {
        return regions == null ? Integer.MAX_VALUE : regions.peekFirst().buffersAhead;
    }

    /** The first region if no buffer is ahead of it, else {@code null}. */
    final FileRegion queueHeadRegion() {
        return regions != null && regions.peekFirst().buffersAhead == 0 ? regions.peekFirst() : null;
    }

    /** Whether a region is queued. */
    final boolean queueHasRegions() {
        return regions != null;
    }

    /** The socket took {@code n} bytes from the head buffers: releases what is fully sent. */
    final void queueConsume(long n) {
        cost -= n;
        while (n > 0) {
            ByteBuf head = firstBuffer;
            int readable = head.readableBytes();
            if (readable <= n) {
                n -= readable;
                cost -= ConnectionLimits.ENTRY_OVERHEAD;
                firstBuffer = moreBuffers == null ? null : moreBuffers.pollFirst();
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
    final void queueRegionSent(FileRegion region, long n) {
        region.advance(n);
        cost -= n;
        if (region.remaining() == 0) {
            cost -= ConnectionLimits.ENTRY_OVERHEAD;
            regions.pollFirst();
            region.close();
            if (regions.isEmpty()) {
                regions = null;
                buffersBehindLastRegion = 0;
            }
        }
    }

    /** Puts {@code chunk} (bytes read from the head region, or their encoding) at the head. */
    final void queueAddFirst(List<ByteBuf> chunk) {
        for (int i = chunk.size() - 1; i >= 0; i--) {
            ByteBuf b = chunk.get(i);
            if (firstBuffer != null) {
                if (moreBuffers == null) {
                    moreBuffers = new ArrayDeque<>(INITIAL_ENTRIES);
                }
                moreBuffers.addFirst(firstBuffer);
            }
            firstBuffer = b;
            cost += b.readableBytes() + ConnectionLimits.ENTRY_OVERHEAD;
            if (regions != null) {
                regions.peekFirst().buffersAhead++;
            }
        }
    }

    /** A flush started: what is queued now counts as flushed. */
    final void queueFlushed() {
        unflushed = 0;
    }

    /** Releases every buffer and closes every region: the connection closed. */
    final void queueDiscard() {
        if (firstBuffer != null) {
            firstBuffer.release();
            firstBuffer = null;
        }
        if (moreBuffers != null) {
            for (ByteBuf b; (b = moreBuffers.pollFirst()) != null; ) {
                b.release();
            }
        }
        if (regions != null) {
            regions.forEach(FileRegion::close);
            regions = null;
        }
        buffersBehindLastRegion = 0;
        cost = 0;
        unflushed = 0;
    }

    final boolean queueIsEmpty() {
        return firstBuffer == null && regions == null;
    }

    /** The queue's cost: readable bytes plus the per-entry overhead (see the class comment). */
    final long queueBytes() {
        return cost;
    }

    final long queueUnflushedBytes() {
        return Math.min(unflushed, cost);
    }

    /** How many buffers are queued. */
    final int queueBufferCount() {
        return firstBuffer == null ? 0 : moreBuffers == null ? 1 : 1 + moreBuffers.size();
    }

    /** Whether the deque behind the first buffer exists (made when two buffers first waited). */
    final boolean queueHasDeque() {
        return moreBuffers != null;
    }
}
