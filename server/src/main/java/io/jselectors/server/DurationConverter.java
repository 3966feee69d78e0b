package io.jselectors.server;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads a CLI duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or plain seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v, 0, v.length() - 2, 10));
            } else if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v, 0, v.length() - 1, 10));
            } else if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v, 0, v.length() - 1, 10));
            } else if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v, 0, v.length() - 1, 10));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (use e.g. 500ms, 10s, 5m)");
        }
    }
}
