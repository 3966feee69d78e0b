package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcStatsTest {

    @Test
    void processTicksAreUtimePlusStimeEvenWithSpacesAndParenthesesInTheName() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0 99 0 0";
        assertThat(ProcStats.parseProcessTicks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void coreBusyCountsUserNiceSystemIrqSoftirq() throws Exception {
        List<String> procStat = List.of(
                "cpu  10 20 30 40 50 60 70 80 0 0",
                "cpu0 1 2 3 4 5 6 7 8 0 0",
                "cpu1 100 0 50 800 0 10 40 0 0 0");
        ProcStats.CoreSample s = ProcStats.parseCore(procStat, 1);
        assertThat(s.busy()).isEqualTo(200);
        assertThat(s.total()).isEqualTo(1000);
        ProcStats.CoreSample later = new ProcStats.CoreSample(250, 1100);
        assertThat(later.busyPercentSince(s)).isEqualTo(50.0);
    }

    @Test
    void onlyASingleCpuCountsAsPinned() {
        assertThat(ProcStats.parseSingleCpu(" 1\n")).isEqualTo(OptionalInt.of(1));
        assertThat(ProcStats.parseSingleCpu("0-1")).isEmpty();
        assertThat(ProcStats.parseSingleCpu("0,2")).isEmpty();
    }

    @Test
    void usageLineHasRunShKeys() {
        var usage = new ProcStats.ServerUsage(97.4, 3.876, 99.6, 80 * 1024);
        assertThat(usage.fields()).isEqualTo("server_cpu=97% server_us_per_op=3.88 core_load=100% peak_rss_MiB=80.0");
        assertThat(new ProcStats.ServerUsage(50, 1, Double.NaN, -1).fields())
                .isEqualTo("server_cpu=50% server_us_per_op=1.00");
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "reads Linux's /proc")
    void readsThisProcessFromProc() throws Exception {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcStats.processTicks(pid)).isPositive(); // a JVM has used more than 10 ms by now
        assertThat(ProcStats.peakRssKib(pid)).isPositive();
        assertThat(ProcStats.core(0).total()).isPositive();
    }
}
