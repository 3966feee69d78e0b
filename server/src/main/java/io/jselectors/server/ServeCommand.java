package io.jselectors.server;

import io.jselectors.protocol.Protocol;
import io.jselectors.selector.BackendInfo;
import io.jselectors.selector.Selector;
import io.jselectors.server.tls.TlsListeners;
import io.jselectors.server.tls.TlsOptions;
import io.jselectors.server.metrics.AdminAddress;
import io.jselectors.server.metrics.AdminProtocol;
import io.jselectors.server.metrics.ServerMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jselectors serve}: starts the listeners and runs until SIGTERM or SIGINT, then shuts down
 * gracefully and exits 0. Every flag can also come from a {@code JSELECTORS_*} environment variable
 * (for containers); a flag wins over the variable.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the protocols: by default every protocol found, each on its default port.",
            "Every option can also be set by the environment variable named after it."})
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--listen", paramLabel = "PROTOCOL=[HOST:]PORT",
            description = {"Listen for PROTOCOL on HOST:PORT; repeatable. Default: every protocol found on its "
                + "default port (echo=7000, chat=7001, http=8080). Env: JSELECTORS_LISTEN (comma-separated)."})
    List<String> listen = new ArrayList<>();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:JSELECTORS_HOST:-127.0.0.1}",
            description = "Host for listeners given without one (default: ${DEFAULT-VALUE}; 0.0.0.0 for all "
                + "interfaces). Env: JSELECTORS_HOST.")
    String host;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "${env:JSELECTORS_WORKERS:-0}",
            description = "Worker loops (default: the number of cores). Env: JSELECTORS_WORKERS.")
    int workers;

    @Option(names = "--selector", paramLabel = "BACKEND", defaultValue = "${env:JSELECTORS_SELECTOR}",
            description = "Selector backend: epoll, kqueue, poll, select or nio (default: the best available). "
                + "Env: JSELECTORS_SELECTOR.")
    String selector;

    @Option(names = "--transport", paramLabel = "native|nio", defaultValue = "${env:JSELECTORS_TRANSPORT:-native}",
            description = "Socket transport: native (posix fds through FFM) or nio (JDK channels) "
                + "(default: ${DEFAULT-VALUE}). Env: JSELECTORS_TRANSPORT.")
    String transport;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "${env:JSELECTORS_IDLE_TIMEOUT:-300s}",
            converter = DurationConverter.class,
            description = "Close connections idle this long; 0 disables (default: ${DEFAULT-VALUE}). "
                + "Env: JSELECTORS_IDLE_TIMEOUT.")
    Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:JSELECTORS_MAX_CONNECTIONS:-10000}",
            description = "Connections beyond this are closed at accept (default: ${DEFAULT-VALUE}). "
                + "Env: JSELECTORS_MAX_CONNECTIONS.")
    int maxConnections;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "${env:JSELECTORS_DRAIN_TIMEOUT:-10s}",
            converter = DurationConverter.class,
            description = "On SIGTERM/SIGINT, wait this long for connections to finish before closing them "
                + "(default: ${DEFAULT-VALUE}). Env: JSELECTORS_DRAIN_TIMEOUT.")
    Duration drainTimeout;

    @Option(names = "--option", paramLabel = "PROTOCOL.NAME=VALUE",
            description = "A protocol option, e.g. chat.max-line=8192; repeatable. "
                + "Env: JSELECTORS_OPTIONS (comma-separated).")
    List<String> protocolOptions = new ArrayList<>();

    @Option(names = "--http-root", paramLabel = "DIR", defaultValue = "${env:JSELECTORS_HTTP_ROOT}",
            description = "Serve static files from DIR over http (same as --option http.root=DIR). "
                + "Env: JSELECTORS_HTTP_ROOT.")
    String httpRoot;

    @Option(names = "--http-max-body", paramLabel = "BYTES", defaultValue = "${env:JSELECTORS_HTTP_MAX_BODY}",
            description = "Largest http request body; bigger ones get 413 (default 1048576; same as "
                + "--option http.max-body=BYTES). Env: JSELECTORS_HTTP_MAX_BODY.")
    String httpMaxBody;

    @Option(names = "--socket-buffer", paramLabel = "auto|kernel|BYTES", defaultValue = "${env:JSELECTORS_SOCKET_BUFFER:-auto}",
            description = "Receive and send buffer of each accepted connection: auto (a fixed share of a "
                + "memory limit, which the kernel charges a container for; the kernel's autotuning without "
                + "one), kernel, or BYTES. Env: JSELECTORS_SOCKET_BUFFER.")
    String socketBuffer;

    @Option(names = "--cluster", paramLabel = "URL[,URL...]", defaultValue = "${env:JSELECTORS_CLUSTER}",
            description = "Join other instances' chat through a broker: nats://HOST:4222[,...] or "
                + "redis://HOST:6379 (tls:// and rediss:// for TLS; credentials in the URL or "
                + "chat.cluster-user/-password, never logged; same as --option chat.cluster=URL). "
                + "Env: JSELECTORS_CLUSTER.")
    String cluster;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "${env:JSELECTORS_CLUSTER_NAME}",
            description = "Instances with the same cluster name on one broker share their chat "
                + "(default jselectors). Env: JSELECTORS_CLUSTER_NAME.")
    String clusterName;

    @Option(names = "--plugins", paramLabel = "DIR", defaultValue = "${env:JSELECTORS_PLUGINS}",
            description = "Also serve the protocols of every jar in DIR, each jar in its own class loader. "
                + "Env: JSELECTORS_PLUGINS.")
    String plugins;

    @Option(names = "--admin", paramLabel = "[admin+tls=][HOST:]PORT|off", defaultValue = "${env:JSELECTORS_ADMIN:-127.0.0.1:9100}",
            description = "Admin listener: GET /metrics (Prometheus) and /healthz, on a loop of its own "
                + "(default: ${DEFAULT-VALUE}; off disables; admin+tls=HOST:PORT serves it over TLS with the "
                + "--tls-cert certificates). Env: JSELECTORS_ADMIN.")
    String admin;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "TRACE, DEBUG, INFO, WARN, ERROR or OFF (default: INFO; DEBUG and TRACE also print "
                + "the stack trace of an error). Env: JSELECTORS_LOG_LEVEL.")
    String logLevel;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "text: one line per event (default); json: one JSON object per line. "
                + "Env: JSELECTORS_LOG_FORMAT.")
    String logFormat;

    @Option(names = "--access-log", paramLabel = "true|false", defaultValue = "${env:JSELECTORS_ACCESS_LOG:-false}",
            arity = "0..1", fallbackValue = "true",
            description = "Log one line per HTTP request (logger io.jselectors.access, at INFO) "
                + "(same as --option http.access-log=true). Env: JSELECTORS_ACCESS_LOG.")
    boolean accessLog;

    @CommandLine.Mixin
    TlsOptions tlsOptions = new TlsOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The server, once started (tests read it). */
    volatile Server server;
    /** The admin listener's server, once started, or {@code null} with {@code --admin off}. */
    volatile Server startedAdmin;
    /** The graceful shutdown a signal runs, once the server listens ({@code train} runs it itself). */
    volatile Runnable shutdown;

    @Override
    public Integer call() throws Exception {
        try {
            Logging.apply(logLevel, logFormat);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // Nothing is logged until the command line is known to be right and the server has started:
        // a usage error is one line, never a banner followed by the error.
        ServerSettings settings;
        PluginLoader.Plugins loaded;
        Protocols protocols = Protocols.load(ServeCommand.class.getClassLoader());
        try {
            // The plugins' class loaders stay open for the life of the process: classes load lazily.
            PluginLoader.Plugins found = PluginLoader.load(plugins, ServeCommand.class.getClassLoader());
            found.addTo(protocols);
            settings = settings(protocols);
            loaded = found;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Optional<AdminAddress.Listener> adminListener;
        try {
            adminListener = AdminAddress.parseListener(admin);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (adminListener.isPresent() && adminListener.get().address().isUnresolved()) {
            throw new IllegalStateException("cannot resolve host '" + adminListener.get().address().getHostString() + "' (--admin)");
        }
        // Before anything creates netty's pooled allocator (the metrics bind it): arenas = loops.
        MemorySizing.sizeBufferPool(settings.workers());
        ServerMetrics metrics = ServerMetrics.create();
        TlsListeners tls;
        try {
            tls = tlsOptions.build(System.getenv(), metrics.registry());
            List<String> served = new ArrayList<>(settings.listeners().stream().map(ServerSettings.ListenerSpec::protocol).toList());
            adminListener.ifPresent(a -> served.add(a.protocol()));
            TlsOptions.requireCertificate(served, tls);
        } catch (IllegalArgumentException | IOException e) {
            metrics.close();
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            server = Server.start(settings, protocols, metrics.registry(), "", tls, false);
        } catch (IllegalArgumentException e) {
            // A protocol refused its options (Server names the listener): the command line is wrong.
            metrics.close();
            closeTls(tls);
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            metrics.close();
            closeTls(tls);
            throw e;
        }
        log.info("{} on Java {} ({}), pid {}", BuildInfo.current().describe(), Runtime.version(),
                System.getProperty("java.vendor"), ProcessHandle.current().pid());
        log.info("{}", MemorySizing.describe());
        loaded.failures().forEach(f -> log.warn("plugin not loaded: {}", f));
        loaded.protocols().forEach(p -> log.info("plugin {} from {}", p.protocol().name(), p.jar()));
        loaded.endpoints().forEach(e -> log.info("plugin WebSocket endpoint {} from {}", e.name(), e.jar()));
        if (tls != null) {
            tls.reloadOnHangup();
        }
        AtomicBoolean draining = new AtomicBoolean();
        Server adminServer = null;
        if (adminListener.isPresent()) {
            Protocols adminProtocols = new Protocols();
            adminProtocols.add(new AdminProtocol(metrics, () -> !draining.get()));
            ServerSettings adminSettings = ServerSettings.defaults(List.of(
                            new ServerSettings.ListenerSpec(adminListener.get().protocol(), adminListener.get().address())))
                    .withWorkers(1)
                    .withTransport(settings.transport(), settings.selector())
                    .withLimits(Duration.ofSeconds(60), 64, Duration.ofSeconds(1));
            try {
                adminServer = Server.start(adminSettings, adminProtocols, metrics.registry(), "admin-", tls);
            } catch (IOException e) {
                server.shutdown(); // the admin port is taken: fail the start, and say where
                closeTls(tls);
                throw e;
            }
        }
        Server admin = adminServer;
        startedAdmin = admin;
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop = () -> {
            log.info("signal received: shutting down");
            long began = System.nanoTime();
            // /healthz answers 503 from now until the drain ends: the admin listener stays open
            // through the main server's drain and closes only after it.
            draining.set(true);
            server.shutdown();
            if (admin != null) {
                admin.shutdown();
            }
            if (tls != null) {
                tls.close(); // after the admin listener, which may serve TLS too
            }
            metrics.close();
            log.info("stopped after {}", Durations.format(Duration.ofMillis((System.nanoTime() - began) / 1_000_000)));
            done.countDown();
        };
        Signals.onTermination(stop);
        shutdown = stop;
        // "listening" only once SIGTERM drains: whoever waits for the line (a supervisor, a test)
        // may stop the server at once, and before the handler the JVM would just exit with 143.
        server.logListening();
        done.await();
        return 0;
    }

    ServerSettings settings(Protocols protocols) {
        List<String> listenSpecs = listen.isEmpty() ? splitEnv("JSELECTORS_LISTEN") : listen;
        List<ServerSettings.ListenerSpec> specs = new ArrayList<>();
        if (listenSpecs.isEmpty()) {
            for (Protocol p : protocols.all()) {
                specs.add(ServerSettings.ListenerSpec.parse(p.name() + "=" + p.defaultPort(), host));
            }
        } else {
            for (String s : listenSpecs) {
                ServerSettings.ListenerSpec spec = ServerSettings.ListenerSpec.parse(s, host);
                protocols.get(TlsListeners.baseProtocol(spec.protocol())); // fail now, with the list of names, if unknown
                specs.add(spec);
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no protocols found and no --listen given");
        }
        for (ServerSettings.ListenerSpec spec : specs) {
            if (spec.address().isUnresolved()) {
                // Not a usage error: the name may resolve elsewhere, or once DNS answers.
                throw new UnresolvedHost("cannot resolve host '" + spec.address().getHostString() + "' for the "
                        + spec.protocol() + " listener");
            }
        }
        Map<String, Map<String, String>> options = new HashMap<>();
        List<String> optionSpecs = protocolOptions.isEmpty() ? splitEnv("JSELECTORS_OPTIONS") : protocolOptions;
        for (String o : optionSpecs) {
            int dot = o.indexOf('.');
            int eq = o.indexOf('=');
            if (dot <= 0 || eq < dot + 2) {
                throw new IllegalArgumentException("--option wants PROTOCOL.NAME=VALUE, got '" + o + "'");
            }
            String protocol = o.substring(0, dot);
            // An http+tls listener serves the http protocol: its options are http's.
            List<String> served = specs.stream().map(spec -> TlsListeners.baseProtocol(spec.protocol())).distinct().toList();
            if (!served.contains(protocol)) {
                throw new IllegalArgumentException("--option " + o + ": no " + protocol + " listener is served (serving: "
                        + String.join(", ", served)
                        + ")");
            }
            options.computeIfAbsent(protocol, k -> new HashMap<>()).put(o.substring(dot + 1, eq), o.substring(eq + 1));
        }
        if (httpRoot != null && !httpRoot.isBlank()) {
            options.computeIfAbsent("http", k -> new HashMap<>()).put("root", httpRoot.trim());
        }
        if (httpMaxBody != null && !httpMaxBody.isBlank()) {
            options.computeIfAbsent("http", k -> new HashMap<>()).put("max-body", httpMaxBody.trim());
        }
        if (cluster != null && !cluster.isBlank()) {
            options.computeIfAbsent("chat", k -> new HashMap<>()).put("cluster", cluster.trim());
        }
        if (clusterName != null && !clusterName.isBlank()) {
            options.computeIfAbsent("chat", k -> new HashMap<>()).put("cluster-name", clusterName.trim());
        }
        if (accessLog) {
            options.computeIfAbsent("http", k -> new HashMap<>()).put("access-log", "true");
        }
        String backend = selector == null || selector.isBlank() ? null : selector.trim().toLowerCase(Locale.ROOT);
        if (backend != null && Selector.available().stream().noneMatch(b -> b.name().equals(backend))) {
            throw new IllegalArgumentException("--selector: no backend named '" + selector.trim() + "' (known: "
                    + String.join(", ", Selector.available().stream().map(BackendInfo::name).toList()) + ")");
        }
        String transportName = transport.trim().toLowerCase(Locale.ROOT);
        if (workers < 0) {
            throw new IllegalArgumentException("--workers must be at least 1 (or 0 for one per core), not " + workers);
        }
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        return new ServerSettings(specs, n, backend, transportName, idleTimeout, maxConnections, drainTimeout,
                options, ServerSettings.DEFAULT_HIGH_WATER, ServerSettings.DEFAULT_LOW_WATER,
                ServerSettings.DEFAULT_MAX_READS, MemorySizing.sockets(socketBuffer));
    }

    /** A listener's host name does not resolve: a failure here, not a malformed command line. */
    static final class UnresolvedHost extends RuntimeException {
        UnresolvedHost(String message) {
            super(message);
        }
    }

    private static List<String> splitEnv(String name) {
        String value = System.getenv(name);
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** Stops the certificate reloader of a server that did not start. */
    private static void closeTls(TlsListeners tls) {
        if (tls != null) {
            tls.close();
        }
    }
}
