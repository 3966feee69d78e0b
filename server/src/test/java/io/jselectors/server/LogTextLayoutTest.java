package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written text layout prints what logback's pattern for it printed (the format before it). */
class LogTextLayoutTest {

    /** The pattern the text format was defined by, with the zone made explicit for the test. */
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, ZONE} %-5level [%thread] %logger{0}: %msg%n";

    private final LoggerContext context = new LoggerContext();

    @Test
    void printsWhatThePatternPrintsInEveryZoneLevelAndMillisecond() {
        for (String zone : List.of("UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Berlin", "Europe/Amsterdam")) {
            PatternLayout pattern = new PatternLayout();
            pattern.setContext(context);
            pattern.setPattern(PATTERN.replace("ZONE", zone));
            pattern.start();
            LogTextLayout layout = new LogTextLayout(ZoneId.of(zone));
            // Millisecond fields of 1, 2 and 3 digits, a DST change in Berlin (2026-03-29T01:00Z), negative epoch,
            // and 1930, when Amsterdam's offset had seconds (+00:19:32, printed as +00:19).
            for (long millis : new long[] {-1_248_307_200_123L, 1_774_746_000_000L - 1, 1_774_746_000_000L, 1_774_746_000_007L, 1_774_746_000_042L,
                1_774_746_000_999L, 1_774_746_001_500L, -1L, 0L}) {
                for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                    for (String logger : List.of("io.jselectors.server.Server", "Root", "a.b.")) {
                        LoggingEvent event = event(logger, level, millis, "listening: {} on {}", "echo", "127.0.0.1:7");
                        assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
                    }
                }
            }
        }
    }

    @Test
    void anErrorsStackTraceFollowsItsLine() {
        LoggingEvent event = event("io.jselectors.server.Server", Level.ERROR, 0L, "accept failed", null, null);
        event.setThrowableProxy(new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("boom",
                new java.io.IOException("EMFILE"))));
        String out = new LogTextLayout(ZoneId.of("UTC")).doLayout(event);
        assertThat(out).startsWith("1970-01-01T00:00:00.000Z ERROR [loop-1] Server: accept failed" + System.lineSeparator()
                + "java.lang.IllegalStateException: boom" + System.lineSeparator() + "\tat ");
        assertThat(out).contains("Caused by: java.io.IOException: EMFILE").endsWith(System.lineSeparator());
    }

    private LoggingEvent event(String logger, Level level, long millis, String message, Object a, Object b) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerContext(context);
        event.setLoggerName(logger);
        event.setLevel(level);
        event.setTimeStamp(millis);
        event.setThreadName("loop-1");
        event.setMessage(message);
        event.setArgumentArray(a == null ? null : new Object[] {a, b});
        return event;
    }
}
