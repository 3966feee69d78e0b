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

    private static volatile String directCap;

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
                + "; buffer pool " + pool.numDirectArenas() + " arena(s) of " + (pool.chunkSize() >> 10) + " KiB chunks";
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
    private static long machineMemory() {
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
