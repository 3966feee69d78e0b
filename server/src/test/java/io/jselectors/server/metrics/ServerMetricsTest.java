package io.jselectors.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The registry's binders, naming, content negotiation, and an exposition promtool accepts. */
class ServerMetricsTest {

    private final ServerMetrics metrics = ServerMetrics.create();

    @AfterEach
    void close() {
        metrics.close();
    }

    private String scrape(String accept) {
        ServerMetrics.Exposition e = metrics.scrape(accept);
        return new String(e.body(), StandardCharsets.UTF_8);
    }

    @Test
    void contentTypesAreThePrometheusClientsOwn() {
        assertThat(ServerMetrics.PROMETHEUS_TEXT).isEqualTo(PrometheusTextFormatWriter.CONTENT_TYPE);
        assertThat(ServerMetrics.OPENMETRICS_TEXT).isEqualTo(OpenMetricsTextFormatWriter.CONTENT_TYPE);
    }

    @Test
    void acceptHeaderChoosesTheFormat() {
        assertThat(ServerMetrics.negotiate(null)).isEqualTo(ServerMetrics.PROMETHEUS_TEXT);
        assertThat(ServerMetrics.negotiate("*/*")).isEqualTo(ServerMetrics.PROMETHEUS_TEXT);
        assertThat(ServerMetrics.negotiate("text/plain;version=0.0.4")).isEqualTo(ServerMetrics.PROMETHEUS_TEXT);
        // What Prometheus 2.x sends by default: OpenMetrics preferred.
        String prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assertThat(ServerMetrics.negotiate(prometheus)).isEqualTo(ServerMetrics.OPENMETRICS_TEXT);
        // Protobuf only: we answer text, which every Prometheus reads.
        assertThat(ServerMetrics.negotiate("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily"))
                .isEqualTo(ServerMetrics.PROMETHEUS_TEXT);

        ServerMetrics.Exposition om = metrics.scrape(prometheus);
        assertThat(om.contentType()).isEqualTo(ServerMetrics.OPENMETRICS_TEXT);
        assertThat(new String(om.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
        assertThat(scrape(null)).doesNotContain("# EOF");
    }

    @Test
    void jvmProcessAndAllocatorBindersAreBound() {
        ByteBuf held = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
        try {
            String text = scrape(null);
            assertThat(text).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ",
                    "jvm_classes_loaded_classes ", "system_cpus ", "process_cpu_usage ",
                    "process_cpu_seconds_total ", "process_uptime_seconds ", "process_files_open_files ",
                    "process_files_max_files ",
                    "netty_allocator_memory_used_bytes{", "netty_allocator_pooled_arenas{");
            assertThat(text).doesNotContain("process_cpu_time_ns", "system_cpu_count");
            assertThat(text).containsPattern("netty_allocator_memory_used_bytes\\{[^}]*memory_type=\"direct\"[^}]*} [1-9]");
        } finally {
            held.release();
        }
    }

    @Test
    void ourMetersFollowPrometheusConventions() {
        Counter.builder("jselectors.test.things").register(metrics.registry()).increment(3);
        AtomicLong bytes = new AtomicLong(42);
        FunctionCounter.builder("jselectors.test.read", bytes, AtomicLong::get).baseUnit("bytes")
                .register(metrics.registry());
        Timer.builder("jselectors.test.duration").register(metrics.registry()).record(Duration.ofMillis(1500));
        LoopMeters loop = metrics.loop("worker-1", () -> 7);
        loop.beforeSelect(0);
        loop.afterSelect(2, 1_000);

        String text = scrape(null);
        assertThat(text).contains("# TYPE jselectors_test_things_total counter", "jselectors_test_things_total 3.0",
                "jselectors_test_read_bytes_total 42.0", "jselectors_test_duration_seconds_sum 1.5",
                "jselectors_loop_selects_total{loop=\"worker-1\"} 1.0",
                "jselectors_loop_ready_events_total{loop=\"worker-1\"} 2.0",
                "jselectors_loop_blocked_seconds_total{loop=\"worker-1\"}",
                "jselectors_loop_working_seconds_total{loop=\"worker-1\"}",
                "jselectors_loop_tasks_run_total{loop=\"worker-1\"} 0.0",
                "jselectors_loop_tasks_pending{loop=\"worker-1\"} 7.0");
    }

    @Test
    void cpuMetersHaveProcessorMetricsNamesAndPrometheusUnits() {
        String text = scrape(null);
        assertThat(text).containsPattern("(?m)^process_cpu_seconds_total [0-9.E]+$")
                .containsPattern("(?m)^system_cpus [1-9]")
                .contains("\nprocess_cpu_usage ", "\nsystem_cpu_usage ", "\nsystem_load_average_1m ");
    }

    @Test
    void everyGaugeIsANumberAfterAGarbageCollection() throws Exception {
        metrics.loop("worker-1", () -> 0);
        scrape(null); // the first reading, which the JDK's CPU figures may still need
        for (int i = 0; i < 3; i++) {
            System.gc(); // a gauge whose state object is only weakly held reads NaN from now on
            Thread.sleep(50);
        }
        Thread.sleep(CpuMetrics.REFRESH_NANOS / 1_000_000 + 100); // past the CPU gauges' cache
        var families = ExpositionLint.parse(scrape(null));
        assertThat(families.values()).filteredOn(f -> f.type().equals("gauge")).extracting(ExpositionLint.Family::name)
                .contains("process_cpu_usage", "system_cpu_usage", "system_load_average_1m", "jvm_threads_live_threads");
        assertThat(ExpositionLint.gaugesNotANumber(families)).isEmpty();
    }

    @Test
    void everyNameFollowsThePrometheusConventions() {
        metrics.loop("worker-1", () -> 0);
        var families = ExpositionLint.parse(scrape(null));
        assertThat(families).hasSizeGreaterThan(20);
        assertThat(families.values().stream().flatMap(f -> ExpositionLint.problems(f).stream())).isEmpty();
    }

    @Test
    void theLintCatchesWhatItIsFor() {
        var bad = ExpositionLint.parse("""
                # HELP jselectors_bytes_read_bytes_total Bytes read
                # TYPE jselectors_bytes_read_bytes_total counter
                jselectors_bytes_read_bytes_total 1.0
                # HELP jselectors_latency_milliseconds Latency
                # TYPE jselectors_latency_milliseconds gauge
                jselectors_latency_milliseconds NaN
                # TYPE jselectors_things counter
                jselectors_things 2.0
                """);
        assertThat(ExpositionLint.problems(bad.get("jselectors_bytes_read_bytes_total")))
                .singleElement().asString().contains("'bytes' appears twice");
        assertThat(ExpositionLint.problems(bad.get("jselectors_latency_milliseconds")))
                .singleElement().asString().contains("not a base unit");
        assertThat(ExpositionLint.problems(bad.get("jselectors_things"))).hasSize(2);
        assertThat(ExpositionLint.gaugesNotANumber(bad)).containsExactly("jselectors_latency_milliseconds = NaN");
    }

    @Test
    void promtoolAcceptsTheTextFormat() throws Exception {
        String problem = PrometheusTools.ensureInstalled();
        Assumptions.assumeTrue(problem == null, () -> "promtool cannot be installed here: " + problem);
        metrics.loop("boss", () -> 0);
        Counter.builder("jselectors.test.things").description("Things").tag("cause", "peer").register(metrics.registry()).increment();
        PrometheusTools.Result r = PrometheusTools.promtoolCheck(metrics.scrape(null).body());
        assertThat(r.exit()).as(r.output()).isZero();
    }
}
