package io.jselectors.posix;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real signals for EINTR tests: makes a blocking system call on the current thread return EINTR,
 * the way a profiler's or a debugger's signal does in production.
 *
 * {@snippet :
 * Assumptions.assumeTrue(Signals.isSupported(), Signals.unsupportedReason());
 * try (Signals.Handler h = Signals.installNoopHandler()) {
 *     Signals.Result<List<Ready>> r = Signals.whileSignalled(Duration.ofMillis(300), 3,
 *             () -> selector.select(Duration.ofMillis(1500)));
 *     // r.value() is empty, r.signalsSent() > 0, and the select still waited ~1.5 s (PEP 475)
 * }
 * }
 *
 * <p>How: SIGURG (ignored by default, unused by HotSpot, and an ignored signal interrupts nothing)
 * gets a handler installed with libc's {@code sigaction} and no {@code SA_RESTART}; the handler is
 * the address of libc's {@code getpid}, which takes no arguments and changes nothing, so no upcall
 * into Java runs inside a signal handler. Another thread sends the signal to the waiting thread
 * with {@code pthread_kill}.
 *
 * <p>Linux only (x86_64 and aarch64): the {@code struct sigaction} below is glibc's and musl's
 * userland layout (not the kernel's {@code kernel_sigaction}): {@code sa_handler} (8), {@code
 * sa_mask} (a 1024-bit {@code sigset_t}, 128), {@code sa_flags} (int, 4, then 4 of padding),
 * {@code sa_restorer} (8) = 152 bytes; glibc {@code bits/sigaction.h}, {@code
 * bits/types/__sigset_t.h}. macOS and FreeBSD put {@code sa_mask} after a different handler union
 * and size {@code sigset_t} differently, so they are not supported.
 */
public final class Signals {

    private Signals() {}

    /** SIGURG on Linux ({@code asm-generic/signal.h}); 16 on macOS and FreeBSD. */
    public static final int SIGURG = 23;

    /** glibc's {@code struct sigaction} on 64-bit Linux. */
    static final StructLayout SIGACTION = structLayout(
            ADDRESS.withName("sa_handler"),
            sequenceLayout(128, JAVA_BYTE).withName("sa_mask"),
            JAVA_INT.withName("sa_flags"),
            paddingLayout(4),
            ADDRESS.withName("sa_restorer"));

    private static final boolean SUPPORTED =
            Platform.current() == Platform.LINUX && (Platform.isX86_64() || Platform.isAarch64());

    private static final MethodHandle SIGACTION_CALL = SUPPORTED ? Native.downcall("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)) : null;
    private static final MethodHandle PTHREAD_SELF = SUPPORTED ? Native.LINKER.downcallHandle(
            Native.find("pthread_self").orElseThrow(), FunctionDescriptor.of(JAVA_LONG)) : null;
    private static final MethodHandle PTHREAD_KILL = SUPPORTED ? Native.LINKER.downcallHandle(
            Native.find("pthread_kill").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT)) : null;

    /** Whether this platform is supported; see {@link #unsupportedReason()}. */
    public static boolean isSupported() {
        return SUPPORTED;
    }

    /** Why signals cannot be sent here, for {@code Assumptions.assumeTrue}. */
    public static String unsupportedReason() {
        return "EINTR tests send real signals with Linux's struct sigaction layout; this is "
                + Platform.current() + "/" + Platform.arch();
    }

    /** A handler installation; closing it restores the previous disposition. */
    public interface Handler extends AutoCloseable {
        @Override
        void close() throws ErrnoException;
    }

    /** Installs the do-nothing SIGURG handler, without SA_RESTART. */
    public static Handler installNoopHandler() throws ErrnoException {
        requireSupported();
        Arena arena = Arena.ofShared();
        MemorySegment action = arena.allocate(SIGACTION); // zeroed: empty mask, no flags
        MemorySegment previous = arena.allocate(SIGACTION);
        action.set(ADDRESS, SIGACTION.byteOffset(PathElement.groupElement("sa_handler")),
                Native.find("getpid").orElseThrow());
        sigaction(action, previous);
        return () -> {
            try {
                sigaction(previous, MemorySegment.NULL);
            } finally {
                arena.close();
            }
        };
    }

    private static void sigaction(MemorySegment action, MemorySegment old) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        int rc;
        try {
            rc = (int) SIGACTION_CALL.invokeExact(state, SIGURG, action, old);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc < 0) {
            throw new ErrnoException("sigaction", Native.errno(state));
        }
    }

    /** The calling thread's {@code pthread_t}; it must be a platform thread. */
    public static long currentThread() {
        requireSupported();
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread has no pthread of its own");
        }
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Sends SIGURG to {@code thread}; returns pthread_kill's result (0, or an error number). */
    public static int signal(long thread) {
        requireSupported();
        try {
            return (int) PTHREAD_KILL.invokeExact(thread, SIGURG);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * What {@link #whileSignalled} returns.
     *
     * @param value the action's result
     * @param signalsSent how many signals reached the thread while the action ran
     */
    public record Result<T>(T value, int signalsSent) {}

    /**
     * Runs {@code action} on the current thread while another thread sends it SIGURG {@code count}
     * times, one every {@code interval} (the first after one interval). Install the handler first
     * with {@link #installNoopHandler()}, or the signal is ignored and interrupts nothing.
     */
    public static <T> Result<T> whileSignalled(Duration interval, int count, Callable<T> action) throws Exception {
        long target = currentThread();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread sender = Thread.ofPlatform().name("signal-sender").start(() -> {
            for (int i = 0; i < count; i++) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                // Checked under the same flag the action's end sets: never signal a thread that
                // has moved on (it would only return EINTR from some other call of the test).
                synchronized (done) {
                    if (done.get()) {
                        return;
                    }
                    if (signal(target) == 0) {
                        sent.incrementAndGet();
                    }
                }
            }
        });
        T value;
        try {
            value = action.call();
        } finally {
            synchronized (done) {
                done.set(true);
            }
            sender.interrupt();
            sender.join();
        }
        return new Result<>(value, sent.get());
    }

    private static void requireSupported() {
        if (!SUPPORTED) {
            throw new UnsupportedOperationException(unsupportedReason());
        }
    }
}
