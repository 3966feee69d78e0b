package io.jselectors.protocol.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of events in a {@link ProtocolTester}: which loop is running code now, and the settling
 * that delivers whatever became due (opens, reads, end of stream, writability changes, closes,
 * queued tasks) until nothing is left. A handler callback never runs inside another one, and the
 * peer's side is only driven from test code. Everything runs on the tester's thread.
 */
final class Dispatcher {

    /** How many events one settling may deliver before it declares a livelock. */
    static final int MAX_EVENTS_PER_SETTLE = ProtocolTester.MAX_EVENTS_PER_SETTLE;

    private final List<TestLoop> loops;
    private final List<TestConnection> connections = new ArrayList<>();
    /** The loop whose callback or task runs now; {@code null} while test code runs. */
    private TestLoop dispatching;
    private int callbackDepth;
    private boolean settling;

    /** Takes charge of {@code loops}: their tasks run through {@link #runTask}. */
    Dispatcher(List<TestLoop> loops) {
        this.loops = loops;
        for (TestLoop loop : loops) {
            loop.taskRunner(task -> runTask(loop, task));
            loop.activeWhen(candidate -> dispatching == null || dispatching == candidate);
        }
    }

    /** A new connection, stepped by every settling from now on. */
    void add(TestConnection connection) {
        connections.add(connection);
    }

    /** Every connection added so far, open or closed, in order. */
    List<TestConnection> connections() {
        return List.copyOf(connections);
    }

    /** Delivers everything that became due, unless a callback or settling is already under way. */
    void settle() {
        if (settling || callbackDepth > 0) {
            return;
        }
        settling = true;
        try {
            for (int events = 0; events < MAX_EVENTS_PER_SETTLE; ) {
                boolean progress = false;
                for (int i = 0; i < connections.size(); i++) {
                    if (connections.get(i).step()) {
                        progress = true;
                        events++;
                    }
                }
                for (TestLoop loop : loops) {
                    if (!loop.isStopped()) {
                        int tasks = loop.runPending();
                        progress |= tasks > 0;
                        events += tasks;
                    }
                }
                if (!progress) {
                    return;
                }
            }
            throw new IllegalStateException("more than " + MAX_EVENTS_PER_SETTLE + " events without the test doing anything: a livelock between handler callbacks?");
        } finally {
            settling = false;
        }
    }

    /**
     * Runs connection code on {@code loop} (a handler callback, or core work that calls handlers):
     * {@code inLoop()} is true for that loop only, and nothing settles inside it.
     */
    void onLoop(TestLoop loop, Runnable work) {
        TestLoop previous = dispatching;
        dispatching = loop;
        callbackDepth++;
        try {
            work.run();
        } finally {
            callbackDepth--;
            dispatching = previous;
        }
    }

    /** Throws unless called by test code: on the owning thread and not from inside a handler. */
    void requireTestCode() {
        loops.getFirst().requireOwner();
        if (callbackDepth > 0 || settling) {
            throw new IllegalStateException("the peer's side of a test connection is driven by the test, not from inside a handler callback");
        }
    }

    private void runTask(TestLoop loop, Runnable task) {
        onLoop(loop, task);
        settle();
    }
}
