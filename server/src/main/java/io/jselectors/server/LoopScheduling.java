package io.jselectors.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Linux's {@code SCHED_BATCH} policy for a worker loop's thread, used when the server runs more
 * worker loops than it has CPUs, counting the TLS delegated-task threads with the loops (they run
 * under it too then: {@code TlsListeners.batchScheduling}).
 *
 * <p><b>Why.</b> Loops that outnumber the CPUs take turns on them. Under the default policy a loop
 * woken by a packet (its {@code epoll_wait} returning) preempts the loop that is running, often in
 * the middle of that loop's batch of ready connections: one more context switch, and smaller
 * batches for both, so more {@code epoll_wait} calls and switches per operation (bench/PROFILE.md,
 * fifth pass: with four loops on one core, several times the waits and switches per request of one
 * loop).
 * {@code SCHED_BATCH} keeps the thread's share of the CPU and its nice value and only drops wakeup
 * preemption: a woken loop runs when the running one blocks or its time slice ends. A loop that
 * has a CPU of its own is woken on an idle CPU and runs at once, so the policy is left alone then.
 * The price: a woken loop no longer preempts other processes either, so on a shared machine it may
 * wait out their time slice (milliseconds) before it runs, only where the loops already time-share.
 *
 * <p>Any user may choose {@code SCHED_BATCH} (priority 0); failure (another OS, a seccomp filter)
 * leaves the default policy, which is correct, only slower.
 */
public final class LoopScheduling {

    private LoopScheduling() {}

    /** Linux's {@code SCHED_BATCH} ({@code <sched.h>}). */
    public static final int SCHED_BATCH = 3;

    /** {@code struct sched_param}: one {@code int}, the static priority, which must be 0 here. */
    private static final long SCHED_PARAM_SIZE = 4;

    private static final boolean LINUX = Platform.current() == Platform.LINUX;

    // int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param); pid 0 is the
    // calling thread on Linux. int sched_getscheduler(pid_t pid).
    private static final Optional<MethodHandle> SET = LINUX
            ? Native.downcallIfPresent("sched_setscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS))
            : Optional.empty();
    private static final Optional<MethodHandle> GET = LINUX
            ? Native.downcallIfPresent("sched_getscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT))
            : Optional.empty();

    /**
     * Whether worker loops should run under {@code SCHED_BATCH}: only where it exists, and when
     * the loops outnumber the CPUs this process may use.
     */
    static boolean wanted(int workers, int cpus) {
        return LINUX && SET.isPresent() && workers > cpus;
    }

    /**
     * Puts the calling thread under {@code SCHED_BATCH}.
     *
     * @return 0, or the errno of the refusal ({@code -1} where the call does not exist)
     */
    public static int batchCurrentThread() {
        if (SET.isEmpty()) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Native.newCallState(arena);
            MemorySegment param = arena.allocate(SCHED_PARAM_SIZE); // zeroed: priority 0
            // SAFETY: param is a live 4-byte struct sched_param for the duration of the call.
            int rc = (int) SET.get().invokeExact(callState, 0, SCHED_BATCH, param);
            return rc == 0 ? 0 : Native.errno(callState);
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setscheduler", t);
        }
    }

    /** The calling thread's policy ({@code sched_getscheduler(0)}), or {@code -1} where unknown. */
    public static int currentPolicy() {
        if (GET.isEmpty()) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            return (int) GET.get().invokeExact(Native.newCallState(arena), 0);
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getscheduler", t);
        }
    }
}
