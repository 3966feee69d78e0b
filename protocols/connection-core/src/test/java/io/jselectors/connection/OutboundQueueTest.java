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

    private final OutboundQueue queue = new OutboundQueue();
    private final List<ByteBuf> buffers = new ArrayList<>();

    private void add(int bytes) {
        ByteBuf b = Unpooled.directBuffer(bytes).writeZero(bytes);
        buffers.add(b);
        queue.add(b, null);
    }

    @Test
    void writesStopAtTheFirstRegionAndResumeAfterIt() {
        add(10);
        add(20);
        CountingRegion first = new CountingRegion(100);
        queue.add(first);
        add(30);
        CountingRegion second = new CountingRegion(5);
        queue.add(second);
        assertThat(queue.bytes()).as("165 bytes in five entries").isEqualTo(165 + 5 * ConnectionLimits.ENTRY_OVERHEAD);
        assertThat(queue.writeLimit()).isEqualTo(2);
        assertThat(queue.headRegion()).isNull();

        queue.consume(30); // both buffers ahead of the region
        assertThat(queue.headRegion()).isSameAs(first);
        assertThat(queue.writeLimit()).isZero();

        queue.regionSent(first, 60);
        assertThat(queue.headRegion()).isSameAs(first);
        queue.regionSent(first, 40);
        assertThat(first.closed).isTrue();
        assertThat(queue.writeLimit()).as("the buffer between the regions").isEqualTo(1);

        queue.consume(30);
        assertThat(queue.headRegion()).isSameAs(second);
        queue.regionSent(second, 5);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.bytes()).as("every entry's overhead left with it").isZero();
        assertThat(queue.writeLimit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void oneBufferAtATimeNeedsNoDequeAndTwoMakeOne() {
        for (int i = 0; i < 5; i++) {
            add(10);
            assertThat(queue.bufferCount()).isEqualTo(1);
            queue.consume(4);
            queue.consume(6);
            assertThat(queue.isEmpty()).isTrue();
        }
        assertThat(queue.hasDeque()).as("a buffer per flush stays in the field").isFalse();
        add(1);
        add(2);
        add(3);
        assertThat(queue.hasDeque()).isTrue();
        assertThat(queue.bufferCount()).isEqualTo(3);
        queue.consume(2); // the first and half the second
        assertThat(queue.bufferCount()).isEqualTo(2);
        assertThat(queue.bytes()).isEqualTo(4 + 2L * ConnectionLimits.ENTRY_OVERHEAD);
        queue.discard();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void anEntryCostsItsOverheadUntilItIsFullySent() {
        add(1);
        add(1);
        assertThat(queue.bytes()).isEqualTo(2 + 2L * ConnectionLimits.ENTRY_OVERHEAD);
        queue.consume(1);
        assertThat(queue.bytes()).isEqualTo(1 + ConnectionLimits.ENTRY_OVERHEAD);
        queue.consume(1);
        assertThat(queue.bytes()).isZero();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void discardReleasesBuffersAndClosesRegions() {
        add(10);
        CountingRegion region = new CountingRegion(100);
        queue.add(region);
        add(10);
        queue.discard();
        assertThat(region.closed).isTrue();
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.bytes()).isZero();
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
        queue.add(region);
        ByteBuf own = Unpooled.directBuffer(20).writeZero(20);
        buffers.add(own);
        assertThat(queue.addAheadOfRegion(own, null)).isEqualTo(20);
        assertThat(queue.writeLimit()).as("both buffers go before the region").isEqualTo(2);
        queue.consume(10);
        assertThat(queue.headRegion()).isNull();
        queue.consume(20);
        assertThat(queue.headRegion()).isSameAs(region);
        assertThat(queue.bytes()).isEqualTo(100 + ConnectionLimits.ENTRY_OVERHEAD);
    }

    @Test
    void bytesAheadOfARegionNeedExactlyOneRegionLastInTheQueue() {
        ByteBuf none = Unpooled.directBuffer(1).writeZero(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.addAheadOfRegion(none, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(none.refCnt()).as("released").isZero();
        queue.add(new CountingRegion(5));
        add(1);
        ByteBuf behind = Unpooled.directBuffer(1).writeZero(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.addAheadOfRegion(behind, null))
                .isInstanceOf(IllegalStateException.class);
    }
}
