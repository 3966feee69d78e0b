package io.jselectors.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Opens a regular file as a raw fd, which the JDK does not expose. Test-only: the library itself
 * never opens files, so this binding does not belong in {@code io.jselectors.posix.Libc}.
 */
final class RegularFiles {

    private RegularFiles() {}

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000; // Linux

    // open(2) is variadic (the mode): pass it as the first variadic argument.
    private static final MethodHandle OPEN = Native.downcall(
            "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));

    /** open(path, O_RDONLY | O_CLOEXEC). */
    static int openReadOnly(Path path) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.threadCallState();
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new ErrnoException("open", Native.errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
