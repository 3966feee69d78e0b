package io.jselectors.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue's bookkeeping of file regions between buffers: a write never passes a region. */
class OutboundQueueTest {

    /** A region of {@code length} bytes that only counts; closing is recorded. */
    static final class CountingRegion extends FileRegion {
        boolean closed;

        CountingRegion(long length) {
            super(0, length);
        }

        @Override
        public void read(ByteBuf dst) {
            dst.writeZero((int) Math.min(dst.writableBytes(), remaining()));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The queue alone: the connection's root class, with nothing of a connection above it. */
    private final OutboundQueue queue = new OutboundQueue() {};
    private final List<ByteBuf> buffers = new ArrayList<>();

    private void add(int bytes) {
        ByteBuf b = Unpooled.directBuffer(bytes).writeZero(bytes);
        buffers.add(b);
        queue.queueAdd(b, null);
    }

    @Test
    void writesStopAtTheFirstRegionAndResumeAfterIt() {
        add(10);
        add(20);
        CountingRegion first = new CountingRegion(100);
        queue.queueAdd(first);
        add(30);
        CountingRegion second = new CountingRegion(5);
        queue.queueAdd(second);
        assertThat(queue.queueBytes()).as("165 bytes in five entries").isEqualTo(165 + 5 * ConnectionLimits.ENTRY_OVERHEAD);
        assertThat(queue.queueWriteLimit()).isEqualTo(2);
        assertThat(queue.queueHeadRegion()).isNull();

        queue.queueConsume(30); // both buffers ahead of the region
        assertThat(queue.queueHeadRegion()).isSameAs(first);
        assertThat(queue.queueWriteLimit()).isZero();

        queue.queueRegionSent(first, 60);
        assertThat(queue.queueHeadRegion()).isSameAs(first);
        queue.queueRegionSent(first, 40);
        assertThat(first.closed).isTrue();
        assertThat(queue.queueWriteLimit()).as("the buffer between the regions").isEqualTo(1);

        queue.queueConsume(30);
        assertThat(queue.queueHeadRegion()).isSameAs(second);
        queue.queueRegionSent(second, 5);
        assertThat(queue.queueIsEmpty()).isTrue();
        assertThat(queue.queueBytes()).as("every entry's overhead left with it").isZero();
        assertThat(queue.queueWriteLimit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void oneBufferAtATimeNeedsNoDequeAndTwoMakeOne() {
        for (int i = 0; i < 5; i++) {
            add(10);
            assertThat(queue.queueBufferCount()).isEqualTo(1);
            queue.queueConsume(4);
            queue.queueConsume(6);
            assertThat(queue.queueIsEmpty()).isTrue();
        }
        assertThat(queue.queueHasDeque()).as("a buffer per flush stays in the field").isFalse();
        add(1);
        add(2);
        add(3);
        assertThat(queue.queueHasDeque()).isTrue();
        assertThat(queue.queueBufferCount()).isEqualTo(3);
        queue.queueConsume(2); // the first and half the second
        assertThat(queue.queueBufferCount()).isEqualTo(2);
        assertThat(queue.queueBytes()).isEqualTo(4 + 2L * ConnectionLimits.ENTRY_OVERHEAD);
        queue.queueDiscard();
        assertThat(queue.queueIsEmpty()).isTrue();
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void anEntryCostsItsOverheadUntilItIsFullySent() {
        add(1);
        add(1);
        assertThat(queue.queueBytes()).isEqualTo(2 + 2L * ConnectionLimits.ENTRY_OVERHEAD);
        queue.queueConsume(1);
        assertThat(queue.queueBytes()).isEqualTo(1 + ConnectionLimits.ENTRY_OVERHEAD);
        queue.queueConsume(1);
        assertThat(queue.queueBytes()).isZero();
        assertThat(queue.queueIsEmpty()).isTrue();
    }

    @Test
    void discardReleasesBuffersAndClosesRegions() {
        add(10);
        CountingRegion region = new CountingRegion(100);
        queue.queueAdd(region);
        add(10);
        queue.queueDiscard();
        assertThat(region.closed).isTrue();
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
        assertThat(queue.queueIsEmpty()).isTrue();
        assertThat(queue.queueBytes()).isZero();
    }

    @Test
    void readSizeDoublesOnAFullReadAndHalvesOnASmallOne() {
        assertThat(ConnectionLimits.nextReadSize(2048, 2048, 2048)).isEqualTo(4096);
        assertThat(ConnectionLimits.nextReadSize(ConnectionLimits.MAX_READ, ConnectionLimits.MAX_READ, ConnectionLimits.MAX_READ))
                .isEqualTo(ConnectionLimits.MAX_READ);
        assertThat(ConnectionLimits.nextReadSize(2048, 100, 2048)).isEqualTo(1024);
        assertThat(ConnectionLimits.nextReadSize(ConnectionLimits.MIN_READ, 1, ConnectionLimits.MIN_READ)).isEqualTo(ConnectionLimits.MIN_READ);
        assertThat(ConnectionLimits.nextReadSize(2048, 1000, 2048)).isEqualTo(2048);
    }

    @Test
    void theTailOfABatchDoesNotHalveTheReadSize() {
        // A 16 KiB read filled, then the few bytes that overran it: the size stays doubled for the next message.
        int size = ConnectionLimits.nextReadSize(16384, 16384, 16384, false);
        assertThat(size).isEqualTo(32768);
        assertThat(ConnectionLimits.nextReadSize(size, 70, size, true)).isEqualTo(32768);
        // A small first read still halves it, and a full tail read still doubles it.
        assertThat(ConnectionLimits.nextReadSize(size, 70, size, false)).isEqualTo(16384);
        assertThat(ConnectionLimits.nextReadSize(size, size, size, true)).isEqualTo(ConnectionLimits.MAX_READ);
    }

    @Test
    void aWriteResultCarriesBytesAndFullness() {
        assertThat(WriteResult.written(WriteResult.full(123))).isEqualTo(123);
        assertThat(WriteResult.isFull(WriteResult.full(0))).isTrue();
        assertThat(WriteResult.isFull(WriteResult.complete(7))).isFalse();
        assertThat(WriteResult.written(WriteResult.complete(1L << 40))).isEqualTo(1L << 40);
    }

    @Test
    void bytesAheadOfTheRegionGoBeforeItAndAfterTheBuffersAlreadyAhead() {
        add(10);
        CountingRegion region = new CountingRegion(100);
        queue.queueAdd(region);
        ByteBuf own = Unpooled.directBuffer(20).writeZero(20);
        buffers.add(own);
        assertThat(queue.queueAddAheadOfRegion(own, null)).isEqualTo(20);
        assertThat(queue.queueWriteLimit()).as("both buffers go before the region").isEqualTo(2);
        queue.queueConsume(10);
        assertThat(queue.queueHeadRegion()).isNull();
        queue.queueConsume(20);
        assertThat(queue.queueHeadRegion()).isSameAs(region);
        assertThat(queue.queueBytes()).isEqualTo(100 + ConnectionLimits.ENTRY_OVERHEAD);
    }

    @Test
    void bytesAheadOfARegionNeedExactlyOneRegionLastInTheQueue() {
        ByteBuf none = Unpooled.directBuffer(1).writeZero(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.queueAddAheadOfRegion(none, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(none.refCnt()).as("released").isZero();
        queue.queueAdd(new CountingRegion(5));
        add(1);
        ByteBuf behind = Unpooled.directBuffer(1).writeZero(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.queueAddAheadOfRegion(behind, null))
                .isInstanceOf(IllegalStateException.class);
    }
}
