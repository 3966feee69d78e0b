package io.jselectors.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The text log format, one line per event: the time in ISO 8601 with milliseconds and the zone's
 * offset, the level padded to five, the thread, the logger's simple name and the message; an
 * error's stack trace follows on its own lines.
 *
 * {@snippet lang=text :
 * 2026-11-29T15:40:00.123Z INFO  [main] Server: listening: echo on 127.0.0.1:7 (...)
 * }
 *
 * <p>The same output as logback's pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread]
 * %logger{0}: %msg%n}, written out instead of compiled from it: the pattern machinery (its parser,
 * converters and their lambdas) is about 150 classes loaded for good to print one fixed line. Safe
 * for concurrent calls (logback encodes outside the appender's lock): the only state is an
 * immutable per-second cache.
 */
final class LogTextLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");
    /** The width {@code %-5level} pads the level to. */
    private static final int LEVEL_WIDTH = 5;

    private final ZoneId zone;
    /** The last second formatted: events of the same second reuse its text. */
    private volatile Second last = new Second(Long.MIN_VALUE, "", "");

    /** Times in the JVM's default zone, as logback's {@code %d} writes them. */
    LogTextLayout() {
        this(ZoneId.systemDefault());
    }

    LogTextLayout(ZoneId zone) {
        this.zone = zone;
    }

    private record Second(long epochSecond, String text, String offset) {}

    @Override
    public String doLayout(ILoggingEvent event) {
        long millis = event.getTimeStamp();
        long epochSecond = Math.floorDiv(millis, 1000L);
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            var time = Instant.ofEpochSecond(epochSecond).atZone(zone);
            second = new Second(epochSecond, SECOND.format(time), OFFSET.format(time));
            last = second;
        }
        int ms = (int) Math.floorMod(millis, 1000L);
        String level = event.getLevel().toString();
        String logger = event.getLoggerName();
        StringBuilder line = new StringBuilder(96 + event.getFormattedMessage().length());
        line.append(second.text()).append('.');
        if (ms < 100) {
            line.append(ms < 10 ? "00" : "0");
        }
        line.append(ms).append(second.offset()).append(' ').append(level);
        line.repeat(' ', Math.max(0, LEVEL_WIDTH - level.length()));
        line.append(" [").append(event.getThreadName()).append("] ")
                .append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ")
                .append(event.getFormattedMessage()).append(System.lineSeparator());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }
}
