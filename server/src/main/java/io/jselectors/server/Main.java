package io.jselectors.server;

import io.jselectors.protocol.Protocol;
import io.jselectors.selector.BackendInfo;
import io.jselectors.selector.Selector;
import io.jselectors.server.fetch.FetchCommand;
import io.jselectors.server.tls.CertCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jselectors} command line: {@code serve}, {@code backends}, {@code protocols}. */
@Command(name = "jselectors", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An event-driven server on Python-style selectors (epoll, kqueue, poll, select, nio).")
public final class Main implements Callable<Integer> {

    /**
     * The subcommands by name, in the order {@code --help} lists them. A command line that names
     * one gets only that one (see {@link #commandLine(String...)}); the names are the classes'
     * {@code @Command} names (a test checks).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        all.put("serve", ServeCommand.class);
        all.put("train", TrainCommand.class);
        all.put("fetch", FetchCommand.class);
        all.put("cert", CertCommand.class);
        all.put("backends", Backends.class);
        all.put("protocols", ProtocolsCommand.class);
        all.put("new-plugin", NewPluginCommand.class);
        all.put("help", CommandLine.HelpCommand.class);
        return Collections.unmodifiableMap(all);
    }

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
        return commandLine(args).execute(args);
    }

    /** The command line with every subcommand, for {@code --help}, {@code help} and suggestions. */
    static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS.keySet());
    }

    /**
     * The command line that {@code args} needs: when its first word names a subcommand other than
     * {@code help}, only that one is registered. picocli builds a subcommand's model by reflection
     * over its class at registration (its fields, methods and annotations), and a server runs for
     * weeks with that model held by the running command: the other seven were 240 KB of its 5.6 MB
     * of live heap at idle (265 {@code Method}s, 80 {@code Field}s, 38 options' models). Anything
     * else (no subcommand, {@code help}, an unknown or misspelt name) gets them all, so usage lists
     * them and a typo gets its suggestion.
     */
    static CommandLine commandLine(String... args) {
        String named = firstWord(args);
        if (named != null && !named.equals("help") && SUBCOMMANDS.containsKey(named)) {
            return commandLine(List.of(named));
        }
        return commandLine();
    }

    /** The first argument that is not an option ({@code Main}'s options take no value), or null. */
    private static String firstWord(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return null;
            }
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    /**
     * The command line with its error handling: a usage error (a bad flag or value, an unknown
     * name) prints one line and exits {@value #USAGE}; a failure at run time (a port in use, a
     * host that does not resolve) prints one line and exits {@value #FAILURE}. Each line ends
     * with a pointer to {@code --help}; stack traces only with {@code --debug} or a DEBUG/TRACE
     * log level.
     */
    private static CommandLine commandLine(Collection<String> names) {
        CommandLine cli = new CommandLine(new Main());
        names.forEach(name -> cli.addSubcommand(name, SUBCOMMANDS.get(name)));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
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
