package io.jselectors.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.LoopHistogram;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A loop histogram scrapes exactly as the Micrometer timer it replaced (a percentile histogram of
 * the same bounds, through a listener's tagging composite), less the timer's {@code _max} series.
 */
class LoopHistogramExportTest {

    private static final String NAME = "jselectors.test.request.duration";
    private static final String FAMILY = "jselectors_test_request_duration_seconds";
    private static final Duration MIN = Duration.ofNanos(10_000);
    private static final Duration MAX = Duration.ofSeconds(10);
    /** Below, on and between bounds, above the last, twice in one bucket, and one of two loops' worth. */
    private static final long[] NANOS = {1, 10_000, 10_921, 54_611, 54_611, 1_000_000, 250_000_000, 9_999_999_999L,
        10_000_000_001L, 42_000_000_000L};

    private final ServerMetrics metrics = ServerMetrics.create();
    private final PrometheusMeterRegistry reference = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void close() {
        metrics.close();
        reference.close();
    }

    @Test
    void scrapesAsTheMicrometerTimerItReplacedInBothFormats() throws Exception {
        LoopHistogram histogram = LoopHistogram.builder(NAME).description("Time from a request's first byte to its response")
                .buckets(MIN, MAX).register(listener(metrics.prometheusRegistry(), "127.0.0.1:8080"));
        Timer timer = Timer.builder(NAME).description("Time from a request's first byte to its response")
                .publishPercentileHistogram().minimumExpectedValue(MIN).maximumExpectedValue(MAX)
                .pauseDetector(new NoPauseDetector()).register(listener(reference, "127.0.0.1:8080"));
        for (int i = 0; i < NANOS.length; i++) {
            timer.record(NANOS[i], TimeUnit.NANOSECONDS);
        }
        for (int i = 0; i < NANOS.length / 2; i++) {
            histogram.cell().record(NANOS[i]);
        }
        Thread otherLoop = new Thread(() -> {
            for (int i = NANOS.length / 2; i < NANOS.length; i++) {
                histogram.cell().record(NANOS[i]);
            }
        });
        otherLoop.start();
        otherLoop.join();

        for (String format : List.of(ServerMetrics.PROMETHEUS_TEXT, ServerMetrics.OPENMETRICS_TEXT)) {
            List<String> ours = family(new String(metrics.scrape(format).body(), StandardCharsets.UTF_8));
            List<String> theirs = family(scrape(reference, format));
            assertThat(ours).as(format).hasSizeGreaterThan(90).isEqualTo(theirs);
            assertThat(ours).as(format).contains("# TYPE " + FAMILY + " histogram",
                    FAMILY + "_count{listener=\"127.0.0.1:8080\",protocol=\"http\"} " + NANOS.length);
        }
    }

    @Test
    void twoListenersShareOneFamilyAndTheStandInFunctionTimerIsHidden() {
        LoopHistogram a = LoopHistogram.builder(NAME).buckets(MIN, MAX).register(listener(metrics.prometheusRegistry(), "a:1"));
        LoopHistogram b = LoopHistogram.builder(NAME).buckets(MIN, MAX).register(listener(metrics.prometheusRegistry(), "b:2"));
        a.cell().record(1_000);
        b.cell().record(2_000);
        b.cell().record(3_000);

        String text = new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
        assertThat(text.split("# TYPE " + FAMILY + " ", -1)).as("one family").hasSize(2);
        assertThat(text).contains(FAMILY + "_count{listener=\"a:1\",protocol=\"http\"} 1",
                FAMILY + "_count{listener=\"b:2\",protocol=\"http\"} 2");
        assertThat(text).doesNotContain("# TYPE " + FAMILY + " summary");
        assertThat(metrics.prometheusRegistry().find(NAME).meters()).as("the function timer, denied").isEmpty();
    }

    @Test
    void aRegistryTheHistogramDoesNotReachShowsNothingOfIt() {
        try (ServerMetrics other = ServerMetrics.create()) {
            LoopHistogram.builder(NAME).buckets(MIN, MAX).register(listener(other.prometheusRegistry(), "c:3")).cell().record(5);
            assertThat(new String(metrics.scrape(null).body(), StandardCharsets.UTF_8)).doesNotContain("listener=\"c:3\"");
        }
    }

    /** A listener's registry, as Server makes it: a composite adding the listener's tags. */
    private static CompositeMeterRegistry listener(PrometheusMeterRegistry registry, String address) {
        CompositeMeterRegistry tagged = new CompositeMeterRegistry();
        tagged.config().commonTags(Tags.of("protocol", "http", "listener", address));
        tagged.add(registry);
        return tagged;
    }

    private static String scrape(PrometheusMeterRegistry registry, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        registry.scrape(out, format);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The lines of the histogram family (not the timer's separate {@code _max} gauge family), in order. */
    private static List<String> family(String exposition) {
        return exposition.lines()
                .filter(l -> l.startsWith(FAMILY + "_bucket") || l.startsWith(FAMILY + "_count") || l.startsWith(FAMILY + "_sum")
                        || l.equals("# TYPE " + FAMILY + " histogram") || l.startsWith("# HELP " + FAMILY + " "))
                .toList();
    }
}
