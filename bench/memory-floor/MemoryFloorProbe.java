import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * bench/memory-floor.sh's probe: what the JVM and the server's required dependencies cost at idle,
 * with none of the server's own code (levels b and c use the libraries the way the server does at
 * start, then sleep). Compiled and run by the script against the dependency jars; not part of the
 * build.
 *
 * <p>Levels: {@code a} sleeps; {@code b} also sizes netty's pooled allocator as the server does for
 * one worker (MemorySizing: one direct arena, no heap arenas, 8 KiB pages, 1 MiB chunks), allocates
 * and releases one direct buffer, builds a Prometheus registry with the JVM and system binders
 * ServerMetrics binds (ProcessorMetrics standing in for the server's CpuMetrics, which registers
 * the same meters) and scrapes it once, writes one log line through logback configured in code (a
 * console appender and a one-line layout, as the server's LogConfigurator), and parses a small
 * command with picocli; {@code c} also opens one epoll selector (selector-epoll, FFM downcalls)
 * and waits in it on its own thread, as an idle loop does. A second argument {@code exit} ends the
 * process after the setup instead of sleeping (the AOT cache's training run). Levels {@code netty},
 * {@code metrics}, {@code log} and {@code cli} are a plus one of b's four parts, to split b's cost.
 */
public final class MemoryFloorProbe {

    private MemoryFloorProbe() {}

    public static void main(String[] args) throws Exception {
        String level = args.length > 0 ? args[0] : "a";
        boolean exit = args.length > 1 && args[1].equals("exit");
        if (!level.matches("[abc]|netty|metrics|log|cli")) {
            throw new IllegalArgumentException("level must be a, b, c, netty, metrics, log or cli, not " + level);
        }
        // The libraries are used from nested classes only: verifying this class must not load them (a).
        switch (level) {
            case "a" -> { }
            case "b", "c" -> Dependencies.use(true, true, true, true);
            default -> Dependencies.use(level.equals("netty"), level.equals("metrics"), level.equals("log"),
                    level.equals("cli"));
        }
        if (level.equals("c")) {
            Loop.start(exit);
        }
        if (!exit) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Level b: the libraries, the way the server uses them at start and at idle. */
    static final class Dependencies {
        private Dependencies() {}

        static void use(boolean netty, boolean metrics, boolean log, boolean cli) throws Exception {
            if (netty) {
                pool();
            }
            if (metrics) {
                metrics(netty);
            }
            if (cli) {
                new CommandLine(new Serve()).execute("--listen", "echo=127.0.0.1:0", "--workers", "1");
            }
            if (log) {
                LoggerFactory.getLogger(MemoryFloorProbe.class).info("probe: settled");
            }
        }

        private static void pool() {
            // MemorySizing.sizeBufferPool(1): the pool's static defaults are read once, so set first.
            System.setProperty("io.netty.allocator.numDirectArenas", "1");
            System.setProperty("io.netty.allocator.numHeapArenas", "0");
            System.setProperty("io.netty.allocator.pageSize", "8192");
            System.setProperty("io.netty.allocator.maxOrder", "7");
            System.setProperty("io.netty.jfr.enabled", "false");
            ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(16 * 1024);
            buffer.writeLong(42);
            buffer.release();
        }

        private static void metrics(boolean netty) throws IOException {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            if (netty) {
                new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
            }
            ByteArrayOutputStream scrape = new ByteArrayOutputStream(32 * 1024);
            registry.scrape(scrape, "text/plain; version=0.0.4; charset=utf-8");
            if (scrape.size() == 0) {
                throw new IllegalStateException("the scrape wrote nothing");
            }
        }
    }

    /** Level c: one epoll selector waiting on a thread of its own, as an idle loop does. */
    static final class Loop {
        private Loop() {}

        static void start(boolean exit) throws IOException, InterruptedException {
            Selector selector = Selector.open("epoll", SelectorOption.EDGE_TRIGGERED);
            Thread loop = new Thread(() -> {
                try {
                    selector.selectNanos(exit ? 1_000_000 : Selector.INFINITE, (key, events) -> {});
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "probe-loop");
            loop.start();
            if (exit) {
                loop.join();
                selector.close();
            }
        }
    }

    /** A small command for picocli to parse, shaped like {@code serve}'s options. */
    @CommandLine.Command(name = "serve")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Option(names = "--listen")
        java.util.List<String> listen;

        @CommandLine.Option(names = "--workers")
        int workers = 1;

        @Override
        public Integer call() {
            return listen.size() + workers;
        }
    }

    /** Logback configured in code, as the server's LogConfigurator (found through META-INF/services). */
    @ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
    public static final class LogConfig extends ContextAwareBase implements Configurator {
        public LogConfig() {}

        @Override
        public ExecutionStatus configure(LoggerContext context) {
            context.reset();
            Line layout = new Line();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(context);
            encoder.setLayout(layout);
            encoder.start();
            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setContext(context);
            stderr.setTarget("System.err");
            stderr.setEncoder(encoder);
            stderr.start();
            ch.qos.logback.classic.Logger root = context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME);
            root.setLevel(Level.INFO);
            root.addAppender(stderr);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
    }

    /** One line per event: time, level, logger, message (the server's LogTextLayout's shape). */
    public static final class Line extends LayoutBase<ILoggingEvent> {
        public Line() {}

        @Override
        public String doLayout(ILoggingEvent event) {
            return event.getTimeStamp() + " " + event.getLevel() + " " + event.getLoggerName() + " "
                    + event.getFormattedMessage() + System.lineSeparator();
        }
    }
    }
