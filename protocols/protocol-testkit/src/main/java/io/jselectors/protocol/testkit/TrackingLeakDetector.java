package io.jselectors.protocol.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty's leak detector, plus an exact count of what is still unreleased. Netty's own detector
 * learns of a leak only when the garbage collector has collected the buffer and a later allocation
 * polls for it, so whether a test sees a leak depends on GC timing. This subclass also hands every
 * tracker it creates to the {@link LeakScope} open on the allocating thread, and takes it back when
 * the buffer's last reference is released; what remains in a scope at its end leaked, no GC needed.
 *
 * <p>The testkit installs it by itself through {@link io.netty.util.ResourceLeakDetectorFactory};
 * that only works if no {@code ByteBuf} was created earlier in the JVM. Naming it on the command
 * line makes it independent of that order:
 *
 * {@snippet lang = "xml" :
 * <argLine>-Dio.netty.customResourceLeakDetector=io.jselectors.protocol.testkit.TrackingLeakDetector</argLine>
 * }
 *
 * @param <T> the tracked resource type
 */
public class TrackingLeakDetector<T> extends ResourceLeakDetector<T> {

    // The shared state lives here, in a class whose initialization allocates nothing: Netty may
    // construct this detector from inside AbstractByteBuf's static initializer, where touching a
    // buffer would find the detector field still null.
    private static volatile boolean byteBufTracked;
    private static final AtomicLong GC_REPORTED_LEAKS = new AtomicLong();
    private static final ThreadLocal<ArrayDeque<LeakScope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

    /**
     * The constructor Netty's factory looks for first when the detector is named by system
     * property (without it, Netty logs an error before falling back to the two-argument one).
     *
     * @param maxActive ignored, as Netty itself has ignored it since 4.1
     */
    public TrackingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Creates a detector for {@code resourceType}, tracking one in {@code samplingInterval} below PARANOID. */
    public TrackingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        if (resourceType == ByteBuf.class) {
            byteBufTracked = true;
        }
    }

    @Override
    public ResourceLeakTracker<T> track(T resource) {
        return scoped(super.track(resource), resource);
    }

    @Override
    public ResourceLeakTracker<T> trackForcibly(T resource) {
        return scoped(super.trackForcibly(resource), resource);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        GC_REPORTED_LEAKS.incrementAndGet();
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        GC_REPORTED_LEAKS.incrementAndGet();
        super.reportUntracedLeak(resourceType);
    }

    /** Whether Netty's ByteBuf leak detector is one of these (see {@link LeakTracking#exact()}). */
    static boolean tracksByteBufs() {
        return byteBufTracked;
    }

    static long gcReportedLeaks() {
        return GC_REPORTED_LEAKS.get();
    }

    /**
     * For tests of code whose buffers live on other threads (a server's loops), where no scope can
     * adopt them: whether this detector tracks buffers, and how many leaks Netty has reported
     * after garbage collection so far (on any thread). Collect garbage and allocate one tracked
     * buffer before reading it: Netty reports what the collector found when it next tracks one.
     */
    public static long reportedLeaks() {
        return byteBufTracked ? GC_REPORTED_LEAKS.get() : -1;
    }

    static void push(LeakScope scope) {
        SCOPES.get().addLast(scope);
    }

    static void pop(LeakScope scope) {
        SCOPES.get().removeLastOccurrence(scope);
    }

    private static <T> ResourceLeakTracker<T> scoped(ResourceLeakTracker<T> tracker, T resource) {
        if (tracker == null) {
            return null;
        }
        LeakScope scope = SCOPES.get().peekLast();
        return scope == null ? tracker : scope.adopt(tracker, resource);
    }
}
