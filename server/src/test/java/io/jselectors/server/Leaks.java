package io.jselectors.server;

import io.jselectors.protocol.testkit.TrackingLeakDetector;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The server tests' view of Netty's PARANOID leak detector: the testkit's {@link
 * TrackingLeakDetector}, installed by surefire's {@code -Dio.netty.customResourceLeakDetector},
 * counts every leak it reports, whatever thread dropped the buffer (here: the loops).
 */
final class Leaks {

    private Leaks() {}

    /** Leaks reported so far, without collecting first; -1 if the detector is not installed. */
    static long count() {
        PooledByteBufAllocator.DEFAULT.directBuffer(1).release(); // makes Netty create its detector
        return TrackingLeakDetector.reportedLeaks();
    }

    /** Leaks reported after collecting garbage (and a tracked allocation, when Netty reports). */
    static long collected() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20); // the reference handler enqueues cleared trackers on its own thread
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        return TrackingLeakDetector.reportedLeaks();
    }
}
