package io.jselectors.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Links C functions through the FFM API, the one way every module here does it.
 *
 * <p>Every handle made here captures errno in the same downcall ({@code captureCallState}), so its
 * first parameter is a call-state segment from {@link #newCallState(Arena)}; errno is read from
 * that segment with {@link #errno(MemorySegment)}, never afterwards from the thread. Handles are
 * meant to be stored in {@code static final} fields so the JIT can inline them.
 *
 * <p>{@link #downcallCritical} links with {@code Linker.Option.critical(false)}: about 2 ns instead
 * of 7 per call, but the calling thread holds off safepoints for the call's duration, so use it
 * only for calls that never block (non-blocking read/write, epoll_ctl, a zero-timeout wait).
 */
public final class Native {

    private Native() {}

    /** The platform's C linker. */
    public static final Linker LINKER = Linker.nativeLinker();

    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    /** Layout of the call state that captured errno is written to. */
    public static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO =
            CALL_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // Cold-path calls (socket setup, close) share one call state per thread.
    private static final ThreadLocal<MemorySegment> THREAD_STATE =
            ThreadLocal.withInitial(() -> newCallState(Arena.ofAuto()));

    /** The address of a C library symbol, if this platform's libc has it. */
    public static Optional<MemorySegment> find(String symbol) {
        return LIBC.find(symbol);
    }

    /**
     * Links {@code symbol} with errno capture; the handle's first parameter is the call state.
     *
     * @throws UnsatisfiedLinkError if the symbol does not exist here
     */
    public static MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(required(symbol), descriptor, withCapture(options));
    }

    private static MemorySegment required(String symbol) {
        return find(symbol).orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + symbol));
    }

    /**
     * Links {@code symbol} without errno capture: the handle takes the C arguments only. For a
     * blocking call on a hot path whose caller learns the errno of a failure some other way (the
     * epoll wait repeats a failed wait as a capturing poll). The reason: a capturing handle that is
     * not critical takes a slice of the call state for every call, and that slice escapes into the
     * call, so the JIT cannot remove it: one heap object per call (bench/PROFILE.md, eleventh pass).
     *
     * @throws UnsatisfiedLinkError if the symbol does not exist here
     */
    public static MethodHandle downcallWithoutErrno(String symbol, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(required(symbol), descriptor);
    }

    /** {@link #downcall} for a call that never blocks, linked as {@code critical(false)}. */
    public static MethodHandle downcallCritical(String symbol, FunctionDescriptor descriptor) {
        return downcall(symbol, descriptor, Linker.Option.critical(false));
    }

    /** {@link #downcall}, or empty where the C library lacks the symbol (accept4 on macOS). */
    public static Optional<MethodHandle> downcallIfPresent(
            String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        return find(symbol).map(address -> LINKER.downcallHandle(address, descriptor, withCapture(options)));
    }

    private static Linker.Option[] withCapture(Linker.Option[] options) {
        Linker.Option[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = CAPTURE_ERRNO;
        return all;
    }

    /** Allocates a call state in {@code arena}; one per thread that makes calls. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE_LAYOUT);
    }

    /** The call state of the current thread, for calls off the hot path. */
    public static MemorySegment threadCallState() {
        return THREAD_STATE.get();
    }

    /** The errno captured by the last call made with {@code callState}. */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    // ---------------------------------------------------------------- errno helpers, written once

    /**
     * The hot-path form of a C result: {@code rc} itself when the call succeeded ({@code rc >= 0}),
     * else {@code -errno} read from the call's own {@code callState}. Nothing is allocated, so
     * EAGAIN costs no exception.
     */
    public static int result(int rc, MemorySegment callState) {
        return rc >= 0 ? rc : -errno(callState);
    }

    /** {@link #result(int, MemorySegment)} for calls returning {@code ssize_t}. */
    public static long result(long rc, MemorySegment callState) {
        return rc >= 0 ? rc : -errno(callState);
    }

    /**
     * The cold-path form: {@code rc} when the call succeeded, else an {@link ErrnoException} naming
     * {@code call} and the errno in {@code callState}.
     */
    public static int check(String call, int rc, MemorySegment callState) throws ErrnoException {
        if (rc < 0) {
            throw new ErrnoException(call, errno(callState));
        }
        return rc;
    }

    /**
     * A wait's hot-path result ({@code count} or {@code -errno}) in the form {@code
     * AbstractSelector.kernelSelect} returns: the count, {@code -1} for EINTR (the caller retries
     * with the time that remains, PEP 475), or an {@link ErrnoException} naming {@code call}.
     */
    public static int waitResult(String call, int rc) throws ErrnoException {
        if (rc >= 0) {
            return rc;
        }
        if (-rc == Errno.EINTR) {
            return -1;
        }
        throw new ErrnoException(call, -rc);
    }

    /**
     * Rethrows what a downcall's {@code invokeExact} threw. A downcall only throws unchecked errors
     * (its signature says {@code Throwable} because {@code MethodHandle} does), so they pass
     * unwrapped; anything else would be a bug in the linker and is wrapped.
     *
     * @return never returns; declared so callers can write {@code throw Native.rethrow(t)}
     */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /**
     * The first of {@code symbols} this platform's C library lacks, or {@code null}. Providers call
     * it before touching the class that links the symbols, so a missing one becomes a reason
     * instead of an {@link ExceptionInInitializerError}.
     */
    public static String firstMissing(Iterable<String> symbols) {
        for (String symbol : symbols) {
            if (find(symbol).isEmpty()) {
                return symbol;
            }
        }
        return null;
    }
}
