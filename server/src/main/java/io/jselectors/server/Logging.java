package io.jselectors.server;

import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's level and format, from {@code --log-level}/{@code --log-format} or {@code
 * JSELECTORS_LOG_LEVEL}/{@code JSELECTORS_LOG_FORMAT} (a flag wins), and whether errors show their
 * stack traces ({@code --debug}, or a level of DEBUG or TRACE).
 *
 * <p>{@link LogConfigurator} reads both variables when logback starts; a flag sets the system
 * property of the same name, which it prefers to the environment, and configures logback again.
 */
final class Logging {

    /** The levels logback knows; anything else it would silently read as DEBUG. */
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    /** {@code text}: one line per event; {@code json}: one JSON object per line (logback's JsonEncoder). */
    static final List<String> FORMATS = List.of("text", "json");

    static final String LEVEL_VARIABLE = "JSELECTORS_LOG_LEVEL";
    static final String FORMAT_VARIABLE = "JSELECTORS_LOG_FORMAT";

    private static volatile boolean debug;

    private Logging() {}

    /** {@code --debug}: stack traces for errors, and DEBUG logging. */
    static void debug() {
        debug = true;
        configure(LEVEL_VARIABLE, "DEBUG");
    }

    /** Whether an error on the command line gets its stack trace. */
    static boolean traces() {
        return debug || LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME).isDebugEnabled();
    }

    /** Checks a level given by flag or environment; the message names where it came from. */
    static String level(String value, String from) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(v)) {
            throw new IllegalArgumentException(from + " must be one of " + String.join(", ", LEVELS) + ", not '" + value + "'");
        }
        return v;
    }

    /** Checks a format given by flag or environment. */
    static String format(String value, String from) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(v)) {
            throw new IllegalArgumentException(from + " must be one of " + String.join(", ", FORMATS) + ", not '" + value + "'");
        }
        return v;
    }

    /**
     * Applies the flags (null: not given) over the environment, after checking both; throws
     * {@link IllegalArgumentException} for a value logback would misread.
     */
    static void apply(String levelFlag, String formatFlag) {
        String envLevel = System.getenv(LEVEL_VARIABLE);
        String envFormat = System.getenv(FORMAT_VARIABLE);
        String level = levelFlag != null ? level(levelFlag, "--log-level")
                : envLevel != null && !envLevel.isBlank() ? level(envLevel, LEVEL_VARIABLE) : null;
        String format = formatFlag != null ? format(formatFlag, "--log-format")
                : envFormat != null && !envFormat.isBlank() ? format(envFormat, FORMAT_VARIABLE) : null;
        if (debug) {
            level = "DEBUG".equals(level) || "TRACE".equals(level) ? level : "DEBUG";
        }
        boolean changed = false;
        if (level != null && !level.equals(System.getProperty(LEVEL_VARIABLE))) {
            System.setProperty(LEVEL_VARIABLE, level);
            changed = true;
        }
        if (format != null && !format.equals(System.getProperty(FORMAT_VARIABLE))) {
            System.setProperty(FORMAT_VARIABLE, format);
            changed = true;
        }
        if (changed) {
            reload();
        }
    }

    private static void configure(String property, String value) {
        System.setProperty(property, value);
        reload();
    }

    /**
     * Configures logback again, now that a system property changed the level or format; nothing when
     * an application's own configuration is in charge (another SLF4J binding, or a logback file that
     * {@link LogConfigurator} stepped aside for).
     */
    private static void reload() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogConfigurator.APPENDER) != null) {
            LogConfigurator.apply(context);
        }
    }
}
