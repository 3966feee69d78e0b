package io.jselectors.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The FFM bindings for zero-copy file sending: {@code open(2)} for a file's fd and Linux's {@code
 * sendfile(2)}. Elsewhere (macOS and FreeBSD have a {@code sendfile} with another signature)
 * {@link #AVAILABLE} is false and files go through buffers.
 *
 * {@snippet lang=c :
 * int open(const char *pathname, int flags);
 * ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
 * }
 */
final class SendFile {

    private SendFile() {}

    private static final Optional<MethodHandle> SENDFILE = Platform.current() == Platform.LINUX
            ? Native.downcallIfPresent("sendfile", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG))
            : Optional.empty();

    private static final MethodHandle OPEN = Native.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    /** O_RDONLY is 0 on every POSIX system we run on. */
    private static final int O_RDONLY = 0;

    /** Whether this platform sends files with sendfile(2). */
    static final boolean AVAILABLE = SENDFILE.isPresent();

    /** Opens {@code path} read-only and close-on-exec; returns the fd. */
    static int open(Path path) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path.toString());
            // SAFETY: name is a NUL-terminated copy that lives until the arena closes after the call.
            int fd = (int) OPEN.invokeExact(state, name, O_RDONLY | Libc.C.oCloexec());
            if (fd < 0) {
                throw new ErrnoException("open " + path, Native.errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open " + path, t);
        }
    }

    /**
     * sendfile(2): up to {@code count} bytes of {@code fileFd} from {@code *offset} to {@code
     * socketFd}; the kernel advances {@code *offset}.
     *
     * @return bytes sent, or {@code -errno}
     */
    static long sendfile(MemorySegment callState, int socketFd, int fileFd, MemorySegment offset, long count) {
        try {
            // SAFETY: offset is an 8-byte off_t in the loop's scratch, used by this thread only.
            long n = (long) SENDFILE.orElseThrow().invokeExact(callState, socketFd, fileFd, offset, count);
            return n >= 0 ? n : -Native.errno(callState);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sendfile", t);
        }
    }
}
