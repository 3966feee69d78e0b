package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * The loop's output buffer: handed out again only when nobody else holds it (the connection sent
 * it), never for more than {@link OutputSpare#SIZE}, and given back when the loop's last
 * connection closes.
 */
class OutputSpareTest {

    private final PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);
    private final OutputSpare spare = new OutputSpare();

    @Test
    void aBufferTheConnectionSentIsHandedOutAgainEmpty() {
        spare.opened();
        ByteBuf first = spare.take(alloc, 200);
        first.writeLong(42);
        first.release(); // queued, sent, released by the connection's queue
        ByteBuf second = spare.take(alloc, 300);
        assertThat(second).isSameAs(first);
        assertThat(second.readableBytes()).isZero();
        assertThat(second.writableBytes()).isEqualTo(OutputSpare.SIZE);
        assertThat(second.refCnt()).as("the handler's reference and the spare's").isEqualTo(2);
        second.release();
        spare.closed();
        assertThat(second.refCnt()).as("the last connection closed: the spare is freed").isZero();
    }

    @Test
    void aBufferStillQueuedStaysWithItsHolderAndANewOneIsTaken() {
        spare.opened();
        ByteBuf queued = spare.take(alloc, 200);
        queued.writeInt(7);
        ByteBuf next = spare.take(alloc, 200); // the first still waits for the socket
        assertThat(next).isNotSameAs(queued);
        assertThat(queued.refCnt()).as("only the holder's reference is left").isEqualTo(1);
        assertThat(queued.readInt()).as("its bytes are untouched").isEqualTo(7);
        queued.release();
        assertThat(queued.refCnt()).isZero();
        next.release();
        ByteBuf again = spare.take(alloc, 200);
        assertThat(again).as("the new one is the spare now").isSameAs(next);
        again.release();
        spare.closed();
        assertThat(again.refCnt()).isZero();
    }

    @Test
    void moreThanTheSpareHoldsGetsABufferOfItsOwn() {
        spare.opened();
        ByteBuf large = spare.take(alloc, OutputSpare.SIZE + 1);
        assertThat(large.capacity()).isEqualTo(OutputSpare.SIZE + 1);
        assertThat(large.refCnt()).as("not kept by the spare").isEqualTo(1);
        large.release();
        assertThat(large.refCnt()).isZero();
        spare.closed();
    }

    @Test
    void aSpareThatGrewIsFreedAndReplaced() {
        spare.opened();
        ByteBuf grown = spare.take(alloc, 100);
        grown.writeZero(OutputSpare.SIZE + 10); // a writer went past the bound it asked for
        grown.release();
        ByteBuf next = spare.take(alloc, 100);
        assertThat(grown.refCnt()).as("the grown buffer is freed").isZero();
        assertThat(next.capacity()).isEqualTo(OutputSpare.SIZE);
        next.release();
        spare.closed();
        assertThat(next.refCnt()).isZero();
    }

    @Test
    void theSpareLivesWhileAnyConnectionIsOpenAndNoLonger() {
        spare.opened();
        spare.opened();
        ByteBuf first = spare.take(alloc, 10);
        first.release();
        spare.closed();
        assertThat(first.refCnt()).as("one connection still open").isEqualTo(1);
        assertThat(spare.take(alloc, 10)).isSameAs(first);
        first.release();
        spare.closed();
        assertThat(first.refCnt()).isZero();
        ByteBuf unkept = spare.take(alloc, 10);
        assertThat(unkept.refCnt()).as("no connection open: nothing would give a spare back").isEqualTo(1);
        unkept.release();
    }
}
