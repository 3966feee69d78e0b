package io.jselectors.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Reads Linux's {@code /proc} for what the shared {@code run.sh} measures around a load: the
 * server's CPU time and how busy the load generator's core is. EchoLoad samples these itself at
 * the exact start and end of its measurement, so warm-up and JVM start-up are not counted.
 *
 * <p>Times in {@code /proc} are in clock ticks of {@value #USER_HZ} per second: the kernel's
 * {@code USER_HZ}, which is 100 on every architecture Linux builds for (it is what {@code getconf
 * CLK_TCK} prints), independent of the scheduler's {@code HZ}.
 */
final class ProcStats {

    private ProcStats() {}

    /** Clock ticks per second in {@code /proc}: Linux's USER_HZ. */
    static final int USER_HZ = 100;

    /** CPU ticks (user + system) a process has used, all its threads included. */
    static long processTicks(long pid) throws IOException {
        return parseProcessTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** utime + stime from a {@code /proc/PID/stat} line (fields 14 and 15). */
    static long parseProcessTicks(String stat) {
        // The command name (field 2) is in parentheses and may contain spaces: count from its end.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    /** The process's peak resident set size (VmHWM) in KiB, or -1 if it cannot be read. */
    static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process is gone: the caller reports it as unknown.
        }
        return -1;
    }

    /**
     * A CPU's {@code busy} and {@code total} ticks from {@code /proc/stat}, counted as run.sh counts
     * them: busy is user, nice, system, irq and softirq (loopback's kernel work lands in the last
     * two); total adds idle, iowait and steal.
     */
    record CoreSample(long busy, long total) {

        /** The busy share between {@code earlier} and this sample, in percent. */
        double busyPercentSince(CoreSample earlier) {
            long t = total - earlier.total;
            return t > 0 ? 100.0 * (busy - earlier.busy) / t : 0;
        }
    }

    /** Samples CPU {@code cpu}. */
    static CoreSample core(int cpu) throws IOException {
        return parseCore(Files.readAllLines(Path.of("/proc/stat")), cpu);
    }

    static CoreSample parseCore(List<String> procStat, int cpu) throws IOException {
        String prefix = "cpu" + cpu + " ";
        for (String line : procStat) {
            if (line.startsWith(prefix)) {
                String[] f = line.trim().split("\\s+");
                long user = Long.parseLong(f[1]);
                long nice = Long.parseLong(f[2]);
                long system = Long.parseLong(f[3]);
                long idle = Long.parseLong(f[4]);
                long iowait = Long.parseLong(f[5]);
                long irq = Long.parseLong(f[6]);
                long softirq = Long.parseLong(f[7]);
                long steal = Long.parseLong(f[8]);
                long busy = user + nice + system + irq + softirq;
                return new CoreSample(busy, busy + idle + iowait + steal);
            }
        }
        throw new IOException("no line for cpu" + cpu + " in /proc/stat");
    }

    /** The one CPU this process is pinned to (taskset -c N), if it is pinned to exactly one. */
    static OptionalInt pinnedCpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parseSingleCpu(line.substring("Cpus_allowed_list:".length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: no core figure.
        }
        return OptionalInt.empty();
    }

    static OptionalInt parseSingleCpu(String list) {
        String s = list.trim().toLowerCase(Locale.ROOT);
        return s.matches("\\d+") ? OptionalInt.of(Integer.parseInt(s)) : OptionalInt.empty();
    }

    /** Where the server's CPU time and the load core stood at one instant. */
    record Snapshot(long pid, long serverTicks, CoreSample core, long nanos) {

        /**
         * Takes a snapshot of server {@code pid}, and of the load's core if this process is pinned
         * to one ({@code core} is then non-null).
         */
        static Snapshot take(long pid) throws IOException {
            OptionalInt cpu = pinnedCpu();
            CoreSample core = cpu.isPresent() ? ProcStats.core(cpu.getAsInt()) : null;
            return new Snapshot(pid, processTicks(pid), core, System.nanoTime());
        }

        /** What the server used from {@code this} to {@code end}, while {@code ops} ops were done. */
        ServerUsage until(Snapshot end, double ops) {
            double seconds = (end.nanos - nanos) / 1e9;
            double cpuSeconds = (end.serverTicks - serverTicks) / (double) USER_HZ;
            double share = seconds > 0 ? cpuSeconds / seconds : 0;
            double usPerOp = ops > 0 ? 1e6 * cpuSeconds / ops : 0;
            double coreLoad = core != null && end.core != null ? end.core.busyPercentSince(core) : Double.NaN;
            return new ServerUsage(100 * share, usPerOp, coreLoad, peakRssKib(pid));
        }
    }

    /**
     * The server's side of a measurement, as run.sh reports it.
     *
     * @param serverCpuPercent the server's CPU share during the measurement (100 = one core)
     * @param serverUsPerOp server CPU microseconds per round trip
     * @param coreLoadPercent how busy the load generator's core was, NaN if it was not pinned
     * @param peakRssKib the server's peak RSS so far, -1 if unknown
     */
    record ServerUsage(double serverCpuPercent, double serverUsPerOp, double coreLoadPercent, long peakRssKib) {

        /** The {@code key=value} fields run.sh uses for the same figures. */
        String fields() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "server_cpu=%.0f%% server_us_per_op=%.2f",
                    serverCpuPercent, serverUsPerOp));
            if (!Double.isNaN(coreLoadPercent)) {
                b.append(String.format(Locale.ROOT, " core_load=%.0f%%", coreLoadPercent));
            }
            if (peakRssKib >= 0) {
                b.append(String.format(Locale.ROOT, " peak_rss_MiB=%.1f", peakRssKib / 1024.0));
            }
            return b.toString();
        }
    }
}
