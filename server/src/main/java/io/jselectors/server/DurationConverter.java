package io.jselectors.server;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads a CLI duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, compounds such as
 * {@code 1h30m} or {@code 2m5s} (what {@link Durations#format} writes), or plain seconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern COMPOUND = Pattern.compile("(\\d+(ms|s|m|h))+");

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
                return Duration.ofSeconds(Long.parseLong(v));
            }
            if (COMPOUND.matcher(v).matches()) {
                Duration total = Duration.ZERO;
                Matcher m = PART.matcher(v);
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    total = total.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    });
                }
                return total;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // Too large: reported below like any other unreadable value.
        }
        throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (use e.g. 500ms, 10s, 5m, 1h30m)");
    }
}
