package io.jselectors.server;

import io.jselectors.protocol.Protocol;
import io.jselectors.selector.BackendInfo;
import io.jselectors.selector.Selector;
import io.jselectors.server.fetch.FetchCommand;
import io.jselectors.server.tls.CertCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jselectors} command line: {@code serve}, {@code backends}, {@code protocols}. */
@Command(name = "jselectors", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An event-driven server on Python-style selectors (epoll, kqueue, poll, select, nio).",
        subcommands = {ServeCommand.class, TrainCommand.class, FetchCommand.class, CertCommand.class, Main.Backends.class, Main.ProtocolsCommand.class,
            NewPluginCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the CLI and exits with its status. */
    public static void main(String[] args) {
        // Before anything touches netty: it reads its direct memory cap once.
        // serve logs what was decided after its banner, once logging is configured.
        try {
            MemorySizing.capDirectMemory();
        } catch (IllegalArgumentException e) {
            System.err.println("jselectors: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Netty samples 1 buffer in 128 for leak tracking by default, which allocates a stack trace
        // on the hot path; the tests run at PARANOID instead. -Dio.netty.leakDetection.level wins.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit status (for tests). */
    static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The command line with its error handling: a usage error (a bad flag or value, an unknown
     * name) prints one line and exits {@value #USAGE}; a failure at run time (a port in use, a
     * host that does not resolve) prints one line and exits {@value #FAILURE}. Each line ends
     * with a pointer to {@code --help}; stack traces only with {@code --debug} or a DEBUG/TRACE
     * log level.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::failure);
        return cli;
    }

    /** Exit status of a command line that cannot be right: bad flags, values or names. */
    static final int USAGE = 2;
    /** Exit status of a command that was right but failed here. */
    static final int FAILURE = 1;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Log at DEBUG and print the stack trace of an error.")
    void debug(boolean on) {
        if (on) {
            Logging.debug();
        }
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        report(cmd, message, e);
        return USAGE;
    }

    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        report(cmd, describe(e), e);
        return FAILURE;
    }

    private static void report(CommandLine cmd, String message, Exception e) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + message + " (see '" + name + " --help')");
        if (Logging.traces()) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** The message, else the exception's class; with the cause's message when it adds something. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message.replace('\n', ' ');
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** Lists the selector backends and why any is unavailable. */
    @Command(name = "backends", mixinStandardHelpOptions = true,
            description = "List the selector backends, best first, and why any is unavailable here.")
    static final class Backends implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            String chosen;
            try (Selector s = Selector.open()) {
                chosen = s.name();
            }
            for (BackendInfo b : Selector.available()) {
                out.printf("%-8s %-11s %s%n", b.name(), b.available() ? "available" : "unavailable",
                        b.name().equals(chosen) ? "(default)" : b.available() ? "" : b.reason());
            }
            out.flush();
            return 0;
        }
    }

    /** Lists the protocol plugins found. */
    @Command(name = "protocols", mixinStandardHelpOptions = true,
            description = "List the protocol plugins found on the class path (and in --plugins).")
    static final class ProtocolsCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--plugins", paramLabel = "DIR", defaultValue = "${env:JSELECTORS_PLUGINS}",
                description = "Also list the protocols of every jar in DIR. Env: JSELECTORS_PLUGINS.")
        String plugins;

        /** Lists them; exits 1 when a plugin jar failed to load, so a script can check a directory. */
        @Override
        public Integer call() throws IOException {
            ClassLoader loader = Main.class.getClassLoader();
            Protocols protocols = Protocols.load(loader);
            PluginLoader.Plugins found;
            try {
                found = PluginLoader.load(plugins, loader);
                found.addTo(protocols);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            for (Protocol p : protocols.all()) {
                out.printf("%-10s %5d  %s%n", p.name(), p.defaultPort(), p.description());
            }
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            found.failures().forEach(f -> err.printf("plugin not loaded: %s%n", f));
            err.flush();
            return found.failures().isEmpty() ? 0 : 1;
        }
    }

    /** The version and commit the jar was built from (see {@link BuildInfo}), and the JVM running it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().describe(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
