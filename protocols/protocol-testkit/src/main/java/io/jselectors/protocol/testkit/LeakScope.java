package io.jselectors.protocol.testkit;

import io.netty.util.ReferenceCounted;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every tracked resource (buffer) created on one thread between {@link #open()} and {@link
 * #exit()}, minus those fully released since. What is left at the end leaked.
 *
 * <p>A scope keeps its unreleased resources strongly reachable, so Netty never reports them on
 * GC; {@link #reclaim()} releases them after the test has been told, so a leak fails exactly the
 * test that caused it and not a later one.
 */
final class LeakScope {

    /** How much of Netty's access record of one leak goes into a failure message. */
    private static final int MAX_REPORT_CHARS = 3_000;

    private final Set<Adopted<?>> live = ConcurrentHashMap.newKeySet();
    private final long gcReportsAtStart = TrackingLeakDetector.gcReportedLeaks();

    private LeakScope() {}

    /** Opens a scope on the calling thread; it gets what is allocated there until {@link #exit()}. */
    static LeakScope open() {
        LeakScope scope = new LeakScope();
        TrackingLeakDetector.push(scope);
        return scope;
    }

    /** Stops adopting new resources; those already adopted stay tracked. Call on the opening thread. */
    void exit() {
        TrackingLeakDetector.pop(this);
    }

    <T> ResourceLeakTracker<T> adopt(ResourceLeakTracker<T> tracker, T resource) {
        Adopted<T> adopted = new Adopted<>(tracker, resource);
        live.add(adopted);
        return adopted;
    }

    /** How many adopted resources are not released yet. */
    int unreleasedCount() {
        return live.size();
    }

    /** A description of what leaked, or {@code null} if nothing did. */
    String problems() {
        List<Adopted<?>> leaked = new ArrayList<>(live);
        long gcReports = TrackingLeakDetector.gcReportedLeaks() - gcReportsAtStart;
        if (leaked.isEmpty() && gcReports == 0) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        if (!leaked.isEmpty()) {
            out.append(leaked.size()).append(" buffer(s) never released (a handler must release, keep, or write what it is given):");
            int shown = 0;
            for (Adopted<?> a : leaked) {
                out.append("\n  ").append(a.describe());
                if (++shown == 1) {
                    // Netty's PARANOID record of the first leak: where it was allocated and touched.
                    String report = a.tracker.toString();
                    out.append(report.length() > MAX_REPORT_CHARS ? report.substring(0, MAX_REPORT_CHARS) + "\n\t..." : report);
                }
            }
        }
        if (gcReports > 0) {
            out.append(out.isEmpty() ? "" : "\n").append("Netty's leak detector reported ").append(gcReports)
                    .append(" leak(s) of garbage-collected buffers meanwhile (see the log; the buffer may come from another thread or an earlier test)");
        }
        return out.toString();
    }

    /** Releases every adopted resource still alive and forgets it. */
    void reclaim() {
        for (Adopted<?> a : new ArrayList<>(live)) {
            a.reclaim();
        }
    }

    private final class Adopted<T> implements ResourceLeakTracker<T> {
        final ResourceLeakTracker<T> tracker;
        final T resource;

        Adopted(ResourceLeakTracker<T> tracker, T resource) {
            this.tracker = tracker;
            this.resource = resource;
        }

        @Override
        public void record() {
            tracker.record();
        }

        @Override
        public void record(Object hint) {
            tracker.record(hint);
        }

        @Override
        public boolean close(T trackedObject) {
            live.remove(this);
            return tracker.close(trackedObject);
        }

        @Override
        public Throwable getCloseStackTraceIfAny() {
            return tracker.getCloseStackTraceIfAny();
        }

        String describe() {
            String refCnt = resource instanceof ReferenceCounted rc ? " refCnt=" + rc.refCnt() : "";
            return resource + refCnt;
        }

        void reclaim() {
            close(resource);
            if (resource instanceof ReferenceCounted rc && rc.refCnt() > 0) {
                try {
                    rc.release(rc.refCnt());
                } catch (RuntimeException alreadyFreed) {
                    // Best effort: the report was already made; a racing release is harmless here.
                }
            }
        }
    }
}
