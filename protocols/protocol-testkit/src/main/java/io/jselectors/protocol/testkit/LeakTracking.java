package io.jselectors.protocol.testkit;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * Sets Netty up for leak hunting, once per JVM: PARANOID level, the {@link TrackingLeakDetector}
 * installed, and the pooled direct allocator every test connection uses.
 */
final class LeakTracking {

    /** The allocator of every buffer the testkit creates: pooled and direct, like the server's. */
    static final PooledByteBufAllocator ALLOC;

    static {
        // PARANOID tracks every buffer, not one in 128: without it a leak may go unseen.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        if (!TrackingLeakDetector.tracksByteBufs()) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Factory());
        }
        ALLOC = new PooledByteBufAllocator(true);
        // The first allocation initializes AbstractByteBuf, which asks the factory for its
        // detector now, unless some earlier code in this JVM made it do so already.
        ALLOC.directBuffer(1).release();
    }

    private LeakTracking() {}

    /**
     * Whether buffers are tracked exactly: false if Netty built its ByteBuf leak detector before
     * the testkit could install its own (a ByteBuf was created before the first tester).
     */
    static boolean exact() {
        return TrackingLeakDetector.tracksByteBufs();
    }

    private static final class Factory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation") // the abstract method Netty still calls; maxActive is ignored since 4.1
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new TrackingLeakDetector<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new TrackingLeakDetector<>(resource, samplingInterval);
        }
    }
}
