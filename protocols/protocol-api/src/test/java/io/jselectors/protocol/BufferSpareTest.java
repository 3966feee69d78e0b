package io.jselectors.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** A loop's reused buffer: handed out again only when nobody else holds it, and only at the size asked. */
class BufferSpareTest {

    private final PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);
    private final BufferSpare spare = new BufferSpare();

    @Test
    void aBufferTheHandlerReleasedIsHandedOutAgainEmpty() {
        ByteBuf first = spare.take(alloc, 512);
        first.writeLong(42);
        first.release(); // the handler is done with it
        ByteBuf second = spare.take(alloc, 512);
        assertThat(second).isSameAs(first);
        assertThat(second.readableBytes()).isZero();
        assertThat(second.writableBytes()).isEqualTo(512);
        assertThat(second.refCnt()).as("the handler's reference and the spare's").isEqualTo(2);
        second.release();
        spare.release();
        assertThat(second.refCnt()).isZero();
    }

    @Test
    void aBufferStillHeldStaysWithItsHolderAndANewOneIsTaken() {
        ByteBuf queued = spare.take(alloc, 512);
        queued.writeInt(7);
        ByteBuf next = spare.take(alloc, 512); // the first is still queued for writing
        assertThat(next).isNotSameAs(queued);
        assertThat(queued.refCnt()).as("only the holder's reference is left").isEqualTo(1);
        assertThat(queued.readInt()).isEqualTo(7);
        queued.release();
        assertThat(queued.refCnt()).isZero();
        next.release();
        spare.release();
        assertThat(next.refCnt()).isZero();
    }

    @Test
    void anotherSizeGetsABufferOfThatCapacity() {
        ByteBuf small = spare.take(alloc, 512);
        small.release();
        ByteBuf large = spare.take(alloc, 2048);
        assertThat(large.capacity()).isEqualTo(2048);
        assertThat(small.refCnt()).as("the old spare is freed").isZero();
        large.release();
        spare.release();
        assertThat(large.refCnt()).isZero();
    }

    @Test
    void releaseLeavesAHeldBufferToItsHolder() {
        ByteBuf held = spare.take(alloc, 512);
        spare.release();
        assertThat(held.refCnt()).isEqualTo(1);
        held.release();
        assertThat(held.refCnt()).isZero();
        spare.release(); // nothing left: a no-op
    }
}
