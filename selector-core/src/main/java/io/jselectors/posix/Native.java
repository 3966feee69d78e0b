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
        MemorySegment address = find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + symbol));
        return LINKER.downcallHandle(address, descriptor, withCapture(options));
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
}
