package io.jselectors.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.VMOption;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the server sizes its memory to, decided once at start-up from what it is given, never from
 * the size of the machine alone (design decision 9), and the one log line that says so.
 *
 * <p><b>Direct memory.</b> Every buffer comes from netty's pooled allocator, which counts its
 * direct memory against {@code io.netty.maxDirectMemory} and fails an allocation past it (the
 * connection that needed it is reset; {@link DirectMemory}). Unless the operator sets that property
 * or {@code -XX:MaxDirectMemorySize} (either wins, in that order), {@link #capDirectMemory()} sets
 * it to {@value #DIRECT_SHARE_OF_HEAP_PERCENT} % of the heap's maximum, at most {@value
 * #DIRECT_SHARE_OF_GIVEN_PERCENT} % of the memory the process is given (the container's limit when
 * there is one: the JDK reads cgroups), and at least {@link #MIN_DIRECT_CAP}. The heap's maximum is
 * what the launcher and the image set ({@code -Xmx}, {@code -XX:MaxRAMPercentage}), so heap and
 * buffers together stay inside what was given.
 *
 * <p><b>The buffer pool.</b> {@link #sizeBufferPool(int)} gives netty one direct arena per worker
 * loop (netty's default is two per core, each holding at least one chunk once touched), no pooled
 * heap arenas (nothing of ours allocates pooled heap buffers; a heap chunk would sit in the small
 * heap for good), and {@link #CHUNK_SIZE} chunks: an arena never gives back its first chunk, so
 * the chunk size is the pool's idle floor per loop. The largest pooled read is 64 KiB, far below
 * a chunk, so smaller chunks cost no extra allocations on the hot path. Each property the operator
 * set ({@code -Dio.netty.allocator.*}) wins.
 *
 * <p><b>Socket buffers.</b> Under cgroup v2 the kernel charges a container for its sockets' buffers
 * (with cgroup v1 only when TCP accounting is switched on), and a TCP buffer grows by autotuning to
 * {@code net.ipv4.tcp_rmem}'s maximum, 6 MiB here: forty uploads the server has stopped reading could
 * then hold more than a 128 MiB container has. Under a memory limit {@link #sockets} gives every
 * accepted connection a fixed buffer each way, {@code 1/}{@value #SOCKET_BUFFER_DIVISOR} of what is
 * given (16 KiB at 128 MiB; the kernel doubles it for its bookkeeping, so a connection holds at most
 * 64 KiB in the kernel), within [{@value #MIN_SOCKET_BUFFER}, {@value #MAX_SOCKET_BUFFER}] bytes.
 * The accept queue is shortened to match ({@link #backlog}): each queued connection may already hold
 * a full receive buffer, charged at once when it is accepted (a garbage flood fills the queue with
 * such connections: 1024 of them held ~40 MiB). Without a limit the kernel's autotuning and the
 * default queue stay: they are what bulk transfers and connect bursts are fastest with.
 */
final class MemorySizing {

    /** Direct cap as a share of the heap's maximum: 50 %. Buffers are short-lived; the heap holds the state. */
    static final int DIRECT_SHARE_OF_HEAP_PERCENT = 50;

    /** Direct cap at most this share of the memory given: 20 %, so heap + direct + JVM fit in a container. */
    static final int DIRECT_SHARE_OF_GIVEN_PERCENT = 20;

    /** Least direct cap, 16 MiB: enough for a few hundred busy connections' reads and a full outbound queue or two. */
    static final long MIN_DIRECT_CAP = 16L << 20;

    /** netty's page size (its default, 8 KiB); a chunk is this shifted left by {@link #CHUNK_MAX_ORDER}. */
    static final int PAGE_SIZE = 8192;

    /** 8 KiB pages, order 7: 1 MiB chunks (netty's default is 4 MiB), the idle floor of one arena. */
    static final int CHUNK_MAX_ORDER = 7;

    /** The pool's chunk size in bytes. */
    static final int CHUNK_SIZE = PAGE_SIZE << CHUNK_MAX_ORDER;

    private static final String ALLOCATOR = "io.netty.allocator.";

    /**
     * netty's JFR events (chunk allocation and the like), off unless the operator sets it: the first
     * chunk would otherwise start JFR's metadata repository, about a hundred classes and a C2 burst
     * while the server is already under load, for events nobody records by default.
     */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    /** Under a memory limit each connection's buffer, each way, is what is given divided by this: 8192. */
    static final int SOCKET_BUFFER_DIVISOR = 8192;

    /** Least fixed socket buffer, 16 KiB: a few segments in flight, so small requests never wait on it. */
    static final int MIN_SOCKET_BUFFER = 16 << 10;

    /** Largest fixed socket buffer, 256 KiB: a loopback bulk send runs at full speed with it. */
    static final int MAX_SOCKET_BUFFER = 256 << 10;

    /** Queued connections' buffers may hold at most this fraction of what is given: 1/16. */
    static final int ACCEPT_QUEUE_SHARE = 16;

    /** Shortest accept queue, 64: a burst of connects from one client pool still fits. */
    static final int MIN_BACKLOG = 64;

    private static volatile String directCap;
    private static volatile String socketBuffers;

    private MemorySizing() {}

    /**
     * Sets netty's direct memory cap before netty reads it: call first thing in {@code main},
     * before any buffer exists.
     *
     * @throws IllegalArgumentException when {@code -Dio.netty.maxDirectMemory} is not a number
     */
    static void capDirectMemory() {
        directCap = decideDirectCap(given(), Runtime.getRuntime().maxMemory());
    }

    /** The direct cap's sentence; package-private for tests. */
    static String decideDirectCap(long given, long heapMax) {
        String set = System.getProperty(DirectMemory.NETTY_PROPERTY);
        if (set != null) {
            try {
                return mib(Long.parseLong(set.trim())) + " (-D" + DirectMemory.NETTY_PROPERTY + ")";
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + DirectMemory.NETTY_PROPERTY + " must be a number of bytes, not '" + set + "'");
            }
        }
        long jvmMax = vmOption("MaxDirectMemorySize");
        if (jvmMax > 0) {
            System.setProperty(DirectMemory.NETTY_PROPERTY, Long.toString(jvmMax));
            return mib(jvmMax) + " (-XX:MaxDirectMemorySize)";
        }
        long cap = directCap(given, heapMax);
        System.setProperty(DirectMemory.NETTY_PROPERTY, Long.toString(cap));
        return mib(cap) + " (" + DIRECT_SHARE_OF_HEAP_PERCENT + " % of the heap's maximum, at most "
                + DIRECT_SHARE_OF_GIVEN_PERCENT + " % of what is given; -XX:MaxDirectMemorySize sets it)";
    }

    /** The rule, alone: half the heap's maximum, at most a fifth of what is given, at least the minimum. */
    static long directCap(long given, long heapMax) {
        long cap = Math.min(heapMax * DIRECT_SHARE_OF_HEAP_PERCENT / 100, given * DIRECT_SHARE_OF_GIVEN_PERCENT / 100);
        return Math.max(MIN_DIRECT_CAP, cap);
    }

    /**
     * Each accepted connection's socket buffers and the accept queue, from {@code --socket-buffer}:
     * {@code auto} (fixed under a memory limit, else the kernel's), {@code kernel}, or a number of bytes.
     *
     * @throws IllegalArgumentException for anything else, or a number below 1024
     */
    static SocketSizing sockets(String option) {
        return decideSockets(option, given(), machineMemory());
    }

    /** The rule, from what is given and the machine's memory (0 where unknown); package-private for tests. */
    static SocketSizing decideSockets(String option, long given, long machine) {
        String value = option == null ? "auto" : option.trim().toLowerCase(java.util.Locale.ROOT);
        int bytes;
        String why;
        switch (value) {
            case "auto" -> {
                if (machine > 0 && given < machine) {
                    long share = given / SOCKET_BUFFER_DIVISOR;
                    bytes = (int) Math.min(MAX_SOCKET_BUFFER, Math.max(MIN_SOCKET_BUFFER, share));
                    why = "under a memory limit; --socket-buffer sets it";
                } else {
                    bytes = 0;
                    why = "no memory limit";
                }
            }
            case "kernel" -> {
                bytes = 0;
                why = "--socket-buffer kernel";
            }
            default -> {
                try {
                    bytes = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--socket-buffer wants auto, kernel or a number of bytes, not '" + option + "'");
                }
                if (bytes < 1024) {
                    throw new IllegalArgumentException("--socket-buffer must be at least 1024 bytes, not " + bytes);
                }
                why = "--socket-buffer";
            }
        }
        SocketSizing sizing = new SocketSizing(bytes, bytes == 0 ? SocketSizing.DEFAULT_BACKLOG : backlog(bytes, given));
        socketBuffers = (bytes == 0 ? "the kernel's, autotuned (" + why + ")"
                : (bytes >> 10) + " KiB each way per connection (" + why + ")")
                + "; accept queue " + sizing.backlog();
        return sizing;
    }

    /**
     * The accept queue for fixed buffers: a queued connection can hold a full receive buffer (twice
     * the size set, in the kernel's bookkeeping), charged when it is accepted, so the queue is as
     * long as 1/{@value #ACCEPT_QUEUE_SHARE} of what is given can hold, within [{@value
     * #MIN_BACKLOG}, {@link SocketSizing#DEFAULT_BACKLOG}].
     */
    static int backlog(int buffer, long given) {
        long fits = given / ACCEPT_QUEUE_SHARE / (2L * buffer);
        return (int) Math.min(SocketSizing.DEFAULT_BACKLOG, Math.max(MIN_BACKLOG, fits));
    }

    /**
     * Sizes netty's pooled allocator to {@code loops} worker loops. Call before anything touches
     * {@link PooledByteBufAllocator} (its static defaults are read once); properties already set win.
     */
    static void sizeBufferPool(int loops) {
        setUnlessSet("numDirectArenas", Integer.toString(Math.max(1, loops)));
        setUnlessSet("numHeapArenas", "0");
        setUnlessSet("pageSize", Integer.toString(PAGE_SIZE));
        setUnlessSet("maxOrder", Integer.toString(CHUNK_MAX_ORDER));
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
    }

    private static void setUnlessSet(String name, String value) {
        if (System.getProperty(ALLOCATOR + name) == null) {
            System.setProperty(ALLOCATOR + name, value);
        }
    }

    /**
     * The start-up line: what was given, the heap's maximum, the direct cap and its reason, and the
     * pool as netty built it (read back from the allocator, so it is what runs, not what was asked).
     */
    static String describe() {
        long given = given();
        PooledByteBufAllocatorMetric pool = PooledByteBufAllocator.DEFAULT.metric();
        return "memory: " + mib(given) + " given (" + givenSource(given) + "); heap at most "
                + mib(Runtime.getRuntime().maxMemory()) + "; direct buffers at most "
                + (directCap != null ? directCap : mib(io.netty.util.internal.PlatformDependent.maxDirectMemory()))
                + "; buffer pool " + pool.numDirectArenas() + " arena(s) of " + (pool.chunkSize() >> 10) + " KiB chunks"
                + (socketBuffers != null ? "; socket buffers " + socketBuffers : "");
    }

    /** The memory this process is given: the container's limit when there is one, else the machine's. */
    static long given() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** Whether {@code given} is a limit below the machine's memory (a container, a cgroup). */
    private static String givenSource(long given) {
        long machine = machineMemory();
        return machine > 0 && given < machine ? "a memory limit; the machine has " + mib(machine) : "the machine's memory";
    }

    /** MemTotal from /proc/meminfo, or 0 where there is none. */
    static long machineMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // Another OS: the JDK's figure is all we have.
        }
        return 0;
    }

    /** A HotSpot {@code -XX} size option if set on the command line (or JAVA_TOOL_OPTIONS), else 0. */
    private static long vmOption(String name) {
        try {
            VMOption option = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name);
            return option.getOrigin() == VMOption.Origin.DEFAULT ? 0 : Long.parseLong(option.getValue());
        } catch (RuntimeException notHotSpot) {
            return 0;
        }
    }

    static String mib(long bytes) {
        return bytes < 0 ? "?" : (bytes >> 20) + " MiB";
    }
}
