package io.jselectors.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty's leak detector (PARANOID in tests), counting what it reports, so a test can fail on a
 * buffer the server leaked on a loop thread. Installed for the server's tests by surefire's
 * {@code -Dio.netty.customResourceLeakDetector}; {@link #installed()} says whether it is.
 */
public class LeakCounter<T> extends ResourceLeakDetector<T> {

    private static final AtomicLong REPORTED = new AtomicLong();
    private static volatile boolean installed;

    /** The constructor Netty's factory looks for first. */
    public LeakCounter(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    public LeakCounter(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        if (resourceType == ByteBuf.class) {
            installed = true;
        }
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTED.incrementAndGet();
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTED.incrementAndGet();
        super.reportUntracedLeak(resourceType);
    }

    /** Leaks reported so far, without collecting first. */
    static long count() {
        return REPORTED.get();
    }

    static boolean installed() {
        PooledByteBufAllocator.DEFAULT.directBuffer(1).release(); // makes Netty create its detector
        return installed;
    }

    /**
     * Leaks reported so far, after a garbage collection and a tracked allocation (Netty reports
     * what the collector found when it next tracks a buffer).
     */
    static long reported() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20); // the reference handler enqueues cleared trackers on its own thread
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        return REPORTED.get();
    }
}
