package io.jselectors.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopHistogramTest {

    private static final Duration MIN = Duration.ofNanos(10_000);
    private static final Duration MAX = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void eachThreadRecordsInItsOwnCellAndTheSnapshotAddsThemUp() throws InterruptedException {
        LoopHistogram h = LoopHistogram.builder("test.duration").buckets(MIN, MAX).register(registry);
        h.cell().record(5_000);
        Thread other = new Thread(() -> {
            LoopHistogram.Cell cell = h.cell();
            for (int i = 0; i < 1000; i++) {
                cell.record(1_000_000);
            }
        });
        other.start();
        other.join();

        LoopHistogram.Snapshot s = h.snapshot();
        assertThat(s.count()).isEqualTo(1001);
        assertThat(s.sumNanos()).isEqualTo(5_000 + 1000 * 1_000_000L);
        FunctionTimer timer = registry.get("test.duration").functionTimer();
        assertThat(timer.count()).isEqualTo(1001);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(5_000 + 1000 * 1_000_000.0);
    }

    /** A batch of equal durations (HTTP's answers to one read) counts exactly as that many single records. */
    @Test
    void aRecordOfManyEqualDurationsCountsAsThatManyRecords() {
        LoopHistogram batched = LoopHistogram.builder("test.batched").buckets(MIN, MAX).register(registry);
        LoopHistogram single = LoopHistogram.builder("test.single").buckets(MIN, MAX).register(registry);
        long[] values = {0, 9_999, 10_001, 1_048_576, 60_000_000_000L, -5};
        int[] times = {16, 1, 3, 64, 2, 7};
        for (int k = 0; k < values.length; k++) {
            batched.cell().record(values[k], times[k]);
            for (int t = 0; t < times[k]; t++) {
                single.cell().record(values[k]);
            }
        }
        assertThat(batched.snapshot().counts()).containsExactly(single.snapshot().counts());
        assertThat(batched.snapshot().sumNanos()).isEqualTo(single.snapshot().sumNanos());
        assertThat(batched.snapshot().count()).isEqualTo(93);
        assertThatThrownBy(() -> batched.cell().record(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The bounds are Micrometer's percentile-histogram buckets for 10 µs to 10 s (as the server's
     * scrape showed them before this histogram replaced the timer); each value lands in the first
     * bucket whose bound is at least the value. The server's tests compare the whole exposition
     * with a real Prometheus timer's.
     */
    @Test
    void valuesLandInTheFirstBucketWhoseBoundIsAtLeastTheValue() {
        LoopHistogram h = LoopHistogram.builder("test.same").buckets(MIN, MAX).register(registry);
        double[] bounds = h.boundsSeconds();
        assertThat(bounds).hasSize(91);
        assertThat(bounds[0]).isEqualTo(1.0E-5);
        assertThat(bounds[1]).isEqualTo(1.0921E-5);
        assertThat(bounds[bounds.length - 1]).isEqualTo(10.0);
        // Below the first bound, on bounds, between them, above the last, and negative (recorded as 0).
        long[] values = {0, 1, 9_999, 10_000, 10_001, 10_921, 10_922, 1_048_576, 123_456_789, 9_999_999_999L,
            10_000_000_000L, 10_000_000_001L, 60_000_000_000L, -5};
        long[] expected = new long[bounds.length + 1];
        for (long v : values) {
            h.cell().record(v);
            int i = 0;
            while (i < bounds.length && bounds[i] * 1e9 < Math.max(0, v)) {
                i++;
            }
            expected[i]++;
        }
        assertThat(h.snapshot().counts()).containsExactly(expected);
        assertThat(expected[0]).isEqualTo(5); // 0, 1, 9 999, 10 000 and -5
        assertThat(expected[bounds.length]).as("+Inf only").isEqualTo(2);
        assertThat(h.snapshot().count()).isEqualTo(values.length);
    }

    @Test
    void registeringTheSameNameAndTagsTwiceGivesTheSameHistogram() {
        LoopHistogram first = LoopHistogram.builder("test.twice").tag("listener", "a").register(registry);
        LoopHistogram second = LoopHistogram.builder("test.twice").tag("listener", "a").register(registry);
        LoopHistogram other = LoopHistogram.builder("test.twice").tag("listener", "b").register(registry);
        assertThat(second).isSameAs(first);
        assertThat(other).isNotSameAs(first);
    }

    @Test
    void theIdCarriesTheCommonTagsOfTheRegistryItWasRegisteredIn() {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.config().commonTags("listener", "127.0.0.1:80");
        composite.add(registry);
        LoopHistogram h = LoopHistogram.builder("test.tagged").tag("k", "v").register(composite);
        assertThat(h.id().getTags()).containsExactlyInAnyOrderElementsOf(Tags.of("k", "v", "listener", "127.0.0.1:80"));
        h.cell().record(1);
        assertThat(registry.get("test.tagged").tag("listener", "127.0.0.1:80").functionTimer().count()).isEqualTo(1);
    }

    @Test
    void reachingFindsTheHistogramsOfARegistryAndOfCompositesThatForwardToIt() {
        SimpleMeterRegistry target = new SimpleMeterRegistry();
        CompositeMeterRegistry outer = new CompositeMeterRegistry();
        CompositeMeterRegistry inner = new CompositeMeterRegistry();
        inner.add(target);
        outer.add(inner);
        LoopHistogram direct = LoopHistogram.builder("test.reach").tag("at", "direct").register(target);
        LoopHistogram nested = LoopHistogram.builder("test.reach").tag("at", "nested").register(outer);
        LoopHistogram elsewhere = LoopHistogram.builder("test.reach").tag("at", "elsewhere").register(registry);

        assertThat(LoopHistogram.reaching(target)).contains(direct, nested).doesNotContain(elsewhere);
        assertThat(LoopHistogram.isLoopHistogram("test.reach")).isTrue();
        assertThat(LoopHistogram.isLoopHistogram("test.never.registered")).isFalse();
    }

    @Test
    void aCountSurvivesItsThread() throws InterruptedException {
        LoopHistogram h = LoopHistogram.builder("test.survives").register(registry);
        Thread loop = new Thread(() -> h.cell().record(42));
        loop.start();
        loop.join();
        assertThat(h.snapshot().count()).isEqualTo(1);
        assertThat(h.snapshot().sumNanos()).isEqualTo(42);
    }

    @Test
    void badBucketRangesAreRefused() {
        assertThatThrownBy(() -> LoopHistogram.builder("x").buckets(Duration.ZERO, MAX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 < min <= max");
        assertThatThrownBy(() -> LoopHistogram.builder("x").buckets(MAX, MIN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
