package io.jselectors.kqueue;

import io.jselectors.posix.Waker;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The {@code EVFILT_USER} signal of the kqueue selector's {@link Waker}: a raise triggers the user
 * event that {@link KqueueSelector} added when it was opened; {@code EV_CLEAR} lowers it when a
 * select reports it, so a reset has nothing to do. The event lives and dies with the kqueue, which
 * the selector closes itself, after the waker is closed.
 */
final class UserEventSignal implements Waker.Signal {

    private final KqueueSyscalls sys;
    private final int kq;
    /** One {@code NOTE_TRIGGER} change; written here once, only read afterwards, from any thread. */
    private final MemorySegment trigger;
    private final MemorySegment zeroTimeout;

    UserEventSignal(KqueueSyscalls sys, KeventAbi abi, int kq, Arena arena) {
        this.sys = sys;
        this.kq = kq;
        this.trigger = arena.allocate(abi.kevent());
        this.zeroTimeout = arena.allocate(KeventAbi.TIMESPEC);
        abi.set(trigger, 0, KqueueSelector.WAKEUP_IDENT, abi.evfiltUser(), 0, KeventAbi.NOTE_TRIGGER);
    }

    @Override
    public String call() {
        return "kevent(NOTE_TRIGGER)";
    }

    @Override
    public int raise() {
        // nevents 0: the call applies the change and returns at once, whatever the timeout.
        return sys.kevent(kq, trigger, 1, MemorySegment.NULL, 0, zeroTimeout);
    }

    @Override
    public void reset(MemorySegment callState) {
        // EV_CLEAR: reporting the event reset it.
    }

    @Override
    public void release() {
        // Nothing of its own to free.
    }
}
