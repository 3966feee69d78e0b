package io.jselectors.selector;

import io.jselectors.posix.Native;
import io.jselectors.posix.Waker;
import io.jselectors.posix.WakeupPipe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The middle level of the selectors that keep the interest set in user space and hand it to the
 * kernel on every wait, CPython's {@code _PollLikeSelector}: poll(2) and select(2). It owns what
 * those leaves share, so each leaf only fills its kernel structure and walks the answer:
 *
 * <ul>
 *   <li>every registration change is one {@link #setInterest} call (events 0 removes), since
 *       nothing reaches the kernel before the next wait;
 *   <li>a self-pipe {@link Waker}: its read end ({@link #wakeupFd()}) must be in every wait, and
 *       {@link #report} drains it and re-arms {@link #wakeup()} instead of reporting it;
 *   <li>the wait's errno: EINTR is retried with the time that remains, anything else throws an
 *       {@link io.jselectors.posix.ErrnoException} naming the backend's call.
 * </ul>
 *
 * <p>A leaf must not let a consumer's register, modify or unregister during {@link #reportReady}
 * disturb the structure being walked: either apply changes to a copy the next wait uses (select's
 * master sets) or rebuild before the next wait (poll's array).
 */
public abstract class PollLikeSelector extends AbstractSelector {

    /** The selecting thread's call state: waits and wakeup drains capture errno here. */
    protected final MemorySegment callState = Native.newCallState(Arena.ofAuto());
    private final WakeupPipe pipe;
    private final Waker waker;
    private final int wakeupFd;

    /** Creates the bookkeeping and the wakeup pipe for a backend named {@code name}. */
    protected PollLikeSelector(String name) throws IOException {
        super(name);
        pipe = new WakeupPipe();
        waker = new Waker(pipe);
        wakeupFd = pipe.readFd();
    }

    // ---------------------------------------------------------------- the leaf's steps

    /**
     * Records that {@code fd} is watched for {@code events} from the next wait on, or not at all
     * for 0. May refuse an fd the kernel call cannot take ({@link IllegalArgumentException}); the
     * registration is then rolled back.
     */
    protected abstract void setInterest(int fd, int events);

    /**
     * One wait of up to {@code timeoutNanos} ({@link Selector#INFINITE} blocks, 0 polls; convert
     * with {@link Timeouts}) over every fd with interest plus {@link #wakeupFd()} for READ.
     *
     * @return the kernel's ready count, or {@code -errno}
     */
    protected abstract int await(long timeoutNanos);

    /**
     * Walks the answer of the last {@link #await} ({@code readyCount > 0}), passing each ready fd to
     * {@link #report}.
     *
     * @return how many {@link #report} calls returned {@code true}
     */
    protected abstract int reportReady(int readyCount, ReadyConsumer consumer);

    // ---------------------------------------------------------------- for the leaves

    /** The wakeup pipe's read end, which every wait must watch for READ. */
    protected final int wakeupFd() {
        return wakeupFd;
    }

    /**
     * Reports one ready fd: the wakeup pipe is drained and not reported; any other fd goes to
     * {@link #dispatch}.
     *
     * @return {@code true} if the consumer was called
     */
    protected final boolean report(int fd, int events, ReadyConsumer consumer) {
        if (fd == wakeupFd) {
            waker.reset(callState);
            return false;
        }
        return dispatch(fd, events, consumer);
    }

    // ---------------------------------------------------------------- kernel steps

    @Override
    protected final void kernelRegister(SelectorKey key) {
        setInterest(key.fd(), key.events());
    }

    @Override
    protected final void kernelModify(SelectorKey oldKey, SelectorKey newKey) {
        setInterest(newKey.fd(), newKey.events());
    }

    @Override
    protected final void kernelUnregister(SelectorKey key) {
        setInterest(key.fd(), 0);
    }

    @Override
    protected final int kernelSelect(long timeoutNanos, ReadyConsumer consumer) throws IOException {
        int ready = Native.waitResult(name(), await(timeoutNanos));
        return ready <= 0 ? ready : reportReady(ready, consumer);
    }

    /** Closes the wakeup pipe; a leaf whose constructor fails calls it too. */
    @Override
    protected final void kernelClose() throws IOException {
        waker.close();
    }

    /**
     * Makes the current or next select return: the first call after a select writes one byte into
     * the self-pipe; later calls write nothing until a select has drained it. Safe from any thread;
     * does nothing once closed.
     */
    @Override
    public final void wakeup() {
        waker.wakeup();
    }
}
