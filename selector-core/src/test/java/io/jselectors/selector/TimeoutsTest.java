package io.jselectors.selector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Python's timeout rule, once for every backend: null blocks, <= 0 polls, positive rounds up. */
class TimeoutsTest {

    @Test
    void durationsBecomeNanosWithNullBlockingAndNonPositivePolling() {
        assertThat(Timeouts.toNanos(null)).isEqualTo(Selector.INFINITE);
        assertThat(Timeouts.toNanos(Duration.ZERO)).isZero();
        assertThat(Timeouts.toNanos(Duration.ofSeconds(-1))).isZero();
        assertThat(Timeouts.toNanos(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Timeouts.toNanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Selector.INFINITE);
    }

    @Test
    void millisecondsRoundUpNeverDownToZeroAndClamp() {
        assertThat(Timeouts.toMillis(Selector.INFINITE)).isEqualTo(-1);
        assertThat(Timeouts.toMillis(0)).isZero();
        assertThat(Timeouts.toMillis(-5)).as("negative polls, never the kernel's 'negative blocks'").isZero();
        assertThat(Timeouts.toMillis(1)).isEqualTo(1);
        assertThat(Timeouts.toMillis(100_000)).isEqualTo(1);
        assertThat(Timeouts.toMillis(1_000_000)).isEqualTo(1);
        assertThat(Timeouts.toMillis(1_000_001)).isEqualTo(2);
        assertThat(Timeouts.toMillis(Selector.INFINITE - 1)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void microsecondsRoundUp() {
        assertThat(Timeouts.toMicros(0)).isZero();
        assertThat(Timeouts.toMicros(-1)).isZero();
        assertThat(Timeouts.toMicros(1)).isEqualTo(1);
        assertThat(Timeouts.toMicros(1_000)).isEqualTo(1);
        assertThat(Timeouts.toMicros(1_001)).isEqualTo(2);
        assertThat(Timeouts.toMicros(Selector.INFINITE - 1)).isEqualTo(Math.ceilDiv(Long.MAX_VALUE - 1, 1_000L));
    }
}
