package io.jselectors.server;

import io.jselectors.connection.ConnectionLimits;
import io.jselectors.protocol.BufferSpare;
import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBufAllocator;

/**
 * What everything running on one loop needs, given once: the loop, its worker, its selector, the allocator,
 * the loop's native scratch and read buffer, the connection limits and the loop's clock. Connections hold it
 * instead of reaching through their worker. Loop thread only (the fields are final, so handing it
 * to the loop is safe).
 */
final class LoopContext {

    private final IoLoop loop;
    private final Worker worker;
    private final ByteBufAllocator alloc;
    private final IoScratch scratch;
    private final ConnectionLimits limits;
    private final BufferSpare readSpare = new BufferSpare();

    LoopContext(IoLoop loop, Worker worker, ByteBufAllocator alloc, IoScratch scratch, ConnectionLimits limits) {
        this.loop = loop;
        this.worker = worker;
        this.alloc = alloc;
        this.scratch = scratch;
        this.limits = limits;
    }

    IoLoop loop() {
        return loop;
    }

    /** The worker owning this loop's connections (told when one closes). */
    Worker worker() {
        return worker;
    }

    Selector selector() {
        return loop.selector();
    }

    ByteBufAllocator alloc() {
        return alloc;
    }

    IoScratch scratch() {
        return scratch;
    }

    ConnectionLimits limits() {
        return limits;
    }

    /** The loop's reused read buffer. */
    BufferSpare readSpare() {
        return readSpare;
    }

    /** The loop's clock, read once per loop turn: for activity timestamps and idle timeouts. */
    long now() {
        return loop.turnNanos();
    }
}
