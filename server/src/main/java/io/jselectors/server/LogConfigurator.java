package io.jselectors.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The server's logback configuration, in code: everything to stderr, the level from {@code
 * JSELECTORS_LOG_LEVEL} (TRACE DEBUG INFO WARN ERROR OFF; default INFO) and the format from {@code
 * JSELECTORS_LOG_FORMAT} ({@code text}, one line per event with an ISO 8601 time and its zone offset, see {@link LogTextLayout};
 * {@code json}, one object per line from logback's {@code JsonEncoder}), each read as a system property
 * first (the serve flags set it, see {@link Logging}), then from the environment.
 *
 * <p>Why code and not {@code logback.xml}: logback's XML configurator loads its SAX parser, its
 * model and its actions, about 400 classes (~2 MiB of metaspace and symbols) that run once at start
 * and stay loaded for good in a server whose idle memory is its cost (issue #17).
 *
 * <p>An application's own configuration wins: with {@code -Dlogback.configurationFile} set, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path (the server jar has neither), this
 * configurator steps aside and logback's own XML configurator runs as usual. Found by logback through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** The appender's name; {@link Logging} finds its own configuration by it. */
    static final String APPENDER = "jselectors-stderr";

    /** Logback's system property naming a configuration file (its {@code ClassicConstants.CONFIG_FILE_PROPERTY}). */
    private static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";

    /** For the {@link java.util.ServiceLoader}. */
    public LogConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(CONFIG_FILE_PROPERTY) != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null
                || LogConfigurator.class.getClassLoader().getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Replaces whatever {@code context} had with the stderr appender at the level and format set now. */
    static void apply(LoggerContext context) {
        context.reset();
        boolean json = "json".equalsIgnoreCase(setting(Logging.FORMAT_VARIABLE));
        Encoder<ILoggingEvent> encoder = json ? jsonEncoder() : textEncoder(context);
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        String level = setting(Logging.LEVEL_VARIABLE);
        root.setLevel(Level.toLevel(level == null ? null : level.strip(), Level.INFO));
        root.addAppender(stderr);
    }

    /** One line per event, see {@link LogTextLayout}. */
    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        LogTextLayout layout = new LogTextLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
        text.setLayout(layout);
        return text;
    }

    /** One JSON object per line: timestamp (epoch ms), level, threadName, loggerName, formattedMessage, throwable. */
    private static Encoder<ILoggingEvent> jsonEncoder() {
        JsonEncoder json = new JsonEncoder();
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMDC(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        return json;
    }

    /** A system property (what a serve flag set), else the environment variable, else null. */
    private static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
