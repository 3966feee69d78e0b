package io.jselectors.server;

import java.time.Duration;

/**
 * Durations as people write them and as the CLI reads them ({@link DurationConverter}): {@code
 * 10s}, {@code 500ms}, {@code 5m}, {@code 1h30m}, never {@code PT10S}.
 */
public final class Durations {

    private Durations() {}

    /** The shortest exact form: {@code 0s}, {@code 250ms}, {@code 10s}, {@code 1m30s}, {@code 2h}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        long nanos = d.toNanosPart() % 1_000_000;
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (minutes > 0) {
            b.append(minutes).append('m');
        }
        if (nanos != 0) {
            // Below a millisecond: seconds and all, as fractional milliseconds (rare in logs).
            double ms = seconds * 1000.0 + millis + nanos / 1e6;
            return b.append(ms).append("ms").toString();
        }
        if (millis != 0) {
            return b.append(seconds * 1000L + millis).append("ms").toString();
        }
        if (seconds > 0) {
            b.append(seconds).append('s');
        }
        return b.toString();
    }
}
