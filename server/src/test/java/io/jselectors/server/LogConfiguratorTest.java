package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What logback gets when it starts, and that an application's own configuration file wins. */
class LogConfiguratorTest {

    private final LoggerContext context = new LoggerContext();
    private final String level = System.getProperty(Logging.LEVEL_VARIABLE);
    private final String format = System.getProperty(Logging.FORMAT_VARIABLE);

    @AfterEach
    void restoreProperties() {
        restore(Logging.LEVEL_VARIABLE, level);
        restore(Logging.FORMAT_VARIABLE, format);
        System.clearProperty("logback.configurationFile");
    }

    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
                .map(p -> p.type().getName())).contains(LogConfigurator.class.getName());
    }

    @Test
    void textOnStderrAtTheLevelThePropertySays() {
        System.setProperty(Logging.LEVEL_VARIABLE, "warn");
        System.setProperty(Logging.FORMAT_VARIABLE, "text");
        assertThat(configure()).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        var appender = (OutputStreamAppender<?>) root.getAppender(LogConfigurator.APPENDER);
        assertThat(appender.isStarted()).isTrue();
        assertThat(appender.getEncoder()).isInstanceOfSatisfying(LayoutWrappingEncoder.class,
                e -> assertThat(e.getLayout()).isInstanceOf(LogTextLayout.class));
    }

    @Test
    void jsonWhenAskedAndInfoForALevelLogbackDoesNotKnow() {
        System.setProperty(Logging.LEVEL_VARIABLE, "loud");
        System.setProperty(Logging.FORMAT_VARIABLE, "JSON");
        configure();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(((OutputStreamAppender<?>) root.getAppender(LogConfigurator.APPENDER)).getEncoder())
                .isInstanceOf(JsonEncoder.class);
    }

    @Test
    void stepsAsideForAConfigurationFile() {
        System.setProperty("logback.configurationFile", "their-logback.xml");
        assertThat(configure()).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogConfigurator.APPENDER)).isNull();
    }

    private ExecutionStatus configure() {
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        return configurator.configure(context);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
