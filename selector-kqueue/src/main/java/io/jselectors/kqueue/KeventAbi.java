package io.jselectors.kqueue;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.jselectors.posix.Platform;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The C side of kqueue on one OS: the {@code struct kevent} and {@code struct timespec} layouts and
 * the constants, read from that OS's own {@code <sys/event.h>}. One instance per OS, chosen at run
 * time by {@link #current()}, injectable so the tests exercise both tables on any machine.
 *
 * <p>macOS (x86_64 and arm64), from apple-oss-distributions/xnu {@code bsd/sys/event.h} (the
 * "Copyright (c) 2003-2021 Apple" revision, commit 1031c584):
 * <pre>
 * #pragma pack(4)
 * struct kevent { uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags;
 *                 intptr_t data; void *udata; };            // 32 bytes
 * EVFILT_READ (-1)  EVFILT_WRITE (-2)  EVFILT_USER (-10)
 * </pre>
 *
 * <p>FreeBSD 12.0 and later (amd64 and arm64), from freebsd/freebsd-src {@code sys/sys/event.h}
 * (the 12.x revision that keeps the 11.x struct as {@code kevent_freebsd11}; 13 and 14 are the
 * same). libc's default {@code kevent} symbol (version FBSD_1.5) takes this struct:
 * <pre>
 * struct kevent { __uintptr_t ident; short filter; unsigned short flags; unsigned int fflags;
 *                 __int64_t data; void *udata; __uint64_t ext[4]; };   // 64 bytes
 * EVFILT_READ (-1)  EVFILT_WRITE (-2)  EVFILT_USER (-11)
 * </pre>
 *
 * <p>Identical in both headers: EV_ADD 0x1, EV_DELETE 0x2, EV_CLEAR 0x20, EV_RECEIPT 0x40, EV_ERROR
 * 0x4000, EV_EOF 0x8000, NOTE_TRIGGER 0x01000000. {@code struct timespec} is {@code {time_t tv_sec;
 * long tv_nsec;}}, two 8-byte fields on both 64-bit ABIs.
 *
 * <p>Filter ids are small negative numbers: they are compared with {@code ==}, never tested as bits
 * (EVFILT_AIO, -3, has every bit of EVFILT_READ and EVFILT_WRITE set).
 *
 * @param os the OS these values are for
 * @param kevent the layout of {@code struct kevent}
 * @param evfiltUser EVFILT_USER, the only filter id that differs between the two systems
 */
record KeventAbi(Platform os, StructLayout kevent, short evfiltUser) {

    /** EVFILT_READ: the fd has bytes to read (or EOF, or a connection to accept). */
    static final short EVFILT_READ = -1;
    /** EVFILT_WRITE: the fd has room to write. */
    static final short EVFILT_WRITE = -2;

    /** EV_ADD: add the filter, or change it if it exists (implies EV_ENABLE). */
    static final int EV_ADD = 0x0001;
    /** EV_DELETE: remove the filter; ENOENT if it does not exist. */
    static final int EV_DELETE = 0x0002;
    /** EV_CLEAR: reset the state once reported, which makes EVFILT_USER wakeups coalesce. */
    static final int EV_CLEAR = 0x0020;
    /** EV_RECEIPT: report every change back as an EV_ERROR entry, data 0 on success. */
    static final int EV_RECEIPT = 0x0040;
    /** EV_ERROR (returned): applying a change failed, {@code data} holds the errno. */
    static final int EV_ERROR = 0x4000;
    /** EV_EOF (returned): the read or write side of the fd is shut. */
    static final int EV_EOF = 0x8000;
    /** NOTE_TRIGGER (EVFILT_USER fflags): fire the user event. */
    static final int NOTE_TRIGGER = 0x01000000;

    /** {@code struct timespec} on both 64-bit ABIs. */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            ValueLayout.JAVA_LONG.withName("tv_nsec"));

    private static final long TV_SEC = TIMESPEC.byteOffset(groupElement("tv_sec"));
    private static final long TV_NSEC = TIMESPEC.byteOffset(groupElement("tv_nsec"));
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** macOS, x86_64 and arm64. */
    static final KeventAbi MACOS = new KeventAbi(Platform.MACOS, MemoryLayout.structLayout(
            // #pragma pack(4): 8-byte fields aligned to 4. Every offset is a multiple of 8 anyway,
            // so the only effect is the struct's own alignment.
            ValueLayout.JAVA_LONG.withByteAlignment(4).withName("ident"),
            ValueLayout.JAVA_SHORT.withName("filter"),
            ValueLayout.JAVA_SHORT.withName("flags"),
            ValueLayout.JAVA_INT.withName("fflags"),
            ValueLayout.JAVA_LONG.withByteAlignment(4).withName("data"),
            ValueLayout.JAVA_LONG.withByteAlignment(4).withName("udata"))
            .withName("kevent"), (short) -10);

    /** FreeBSD 12 and later, amd64 and arm64. */
    static final KeventAbi FREEBSD = new KeventAbi(Platform.FREEBSD, MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("ident"),
            ValueLayout.JAVA_SHORT.withName("filter"),
            ValueLayout.JAVA_SHORT.withName("flags"),
            ValueLayout.JAVA_INT.withName("fflags"),
            ValueLayout.JAVA_LONG.withName("data"),
            ValueLayout.JAVA_LONG.withName("udata"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_LONG).withName("ext"))
            .withName("kevent"), (short) -11);

    // Both layouts put the shared fields at the same offsets (KeventAbiTest checks it), so the
    // accessors below need only the struct size.
    private static final long IDENT = MACOS.kevent.byteOffset(groupElement("ident"));
    private static final long FILTER = MACOS.kevent.byteOffset(groupElement("filter"));
    private static final long FLAGS = MACOS.kevent.byteOffset(groupElement("flags"));
    private static final long FFLAGS = MACOS.kevent.byteOffset(groupElement("fflags"));
    private static final long DATA = MACOS.kevent.byteOffset(groupElement("data"));
    private static final long UDATA = MACOS.kevent.byteOffset(groupElement("udata"));

    /** The table of this machine's OS, or {@code null} where there is no kqueue. */
    static KeventAbi current() {
        return of(Platform.current());
    }

    /** The table of {@code os}, or {@code null} if it has no kqueue. */
    static KeventAbi of(Platform os) {
        return switch (os) {
            case MACOS -> MACOS;
            case FREEBSD -> FREEBSD;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "struct kevent of " + os + " (" + size() + " bytes)";
    }

    /** {@code sizeof(struct kevent)}. */
    long size() {
        return kevent.byteSize();
    }

    /**
     * {@code EV_SET(&array[index], ident, filter, flags, fflags, 0, NULL)}; zeroes the entry first,
     * so FreeBSD's {@code ext} is 0 as its EV_SET makes it.
     */
    void set(MemorySegment array, int index, long ident, short filter, int flags, int fflags) {
        long base = index * size();
        array.asSlice(base, size()).fill((byte) 0);
        array.set(ValueLayout.JAVA_LONG, base + IDENT, ident);
        array.set(ValueLayout.JAVA_SHORT, base + FILTER, filter);
        array.set(ValueLayout.JAVA_SHORT, base + FLAGS, (short) flags);
        array.set(ValueLayout.JAVA_INT, base + FFLAGS, fflags);
    }

    /** {@code array[index].ident}. */
    long ident(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * size() + IDENT);
    }

    /** {@code array[index].filter}. */
    short filter(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_SHORT, index * size() + FILTER);
    }

    /** {@code array[index].flags}, as an unsigned 16-bit value in an int. */
    int flags(MemorySegment array, int index) {
        return Short.toUnsignedInt(array.get(ValueLayout.JAVA_SHORT, index * size() + FLAGS));
    }

    /** {@code array[index].fflags}. */
    int fflags(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_INT, index * size() + FFLAGS);
    }

    /** {@code array[index].data}. */
    long data(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * size() + DATA);
    }

    /** Sets {@code array[index].data} (the fake kernel in the tests writes results with it). */
    void setData(MemorySegment array, int index, long data) {
        array.set(ValueLayout.JAVA_LONG, index * size() + DATA, data);
    }

    /** Sets {@code array[index].flags}. */
    void setFlags(MemorySegment array, int index, int flags) {
        array.set(ValueLayout.JAVA_SHORT, index * size() + FLAGS, (short) flags);
    }

    /** {@code array[index].udata} as a number; we never store pointers there. */
    long udata(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * size() + UDATA);
    }

    /**
     * Writes a positive timeout into a {@code struct timespec}. Nanoseconds are the unit of both
     * the argument and the struct, so nothing is rounded: the kernel waits at least this long.
     */
    static void writeTimespec(MemorySegment timespec, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative timeout: " + nanos);
        }
        timespec.set(ValueLayout.JAVA_LONG, TV_SEC, nanos / NANOS_PER_SECOND);
        timespec.set(ValueLayout.JAVA_LONG, TV_NSEC, nanos % NANOS_PER_SECOND);
    }

    /** Reads a {@code struct timespec} back as nanoseconds (saturating); for the tests' fake kernel. */
    static long readTimespec(MemorySegment timespec) {
        long sec = timespec.get(ValueLayout.JAVA_LONG, TV_SEC);
        long nsec = timespec.get(ValueLayout.JAVA_LONG, TV_NSEC);
        if (sec > (Long.MAX_VALUE - nsec) / NANOS_PER_SECOND) {
            return Long.MAX_VALUE;
        }
        return sec * NANOS_PER_SECOND + nsec;
    }
}
