package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's parsing and listing commands, without starting a server. */
class CommandLineTest {

    /** What a command printed and returned. */
    record Result(int status, String out, String err) {}

    /** Runs the CLI in this JVM, with the error handling of the real one ({@link Main#commandLine()}). */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void subcommandsAreRegisteredUnderTheirCommandNames() {
        Main.SUBCOMMANDS.forEach((name, type) ->
                assertEquals(name, type.getAnnotation(CommandLine.Command.class).name(), type.getName()));
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(Main.SUBCOMMANDS.keySet());
    }

    @Test
    void aCommandLineNamingASubcommandBuildsOnlyThatOne() {
        assertThat(Main.commandLine("serve", "--listen", "echo=0").getSubcommands().keySet()).containsExactly("serve");
        assertThat(Main.commandLine("--debug", "fetch", "http://x/").getSubcommands().keySet()).containsExactly("fetch");
        // help, a misspelt name, options only, or nothing: all of them (usage lists them, a typo gets a suggestion).
        for (String[] args : new String[][] {{"help", "serve"}, {"serv"}, {"--version"}, {}, {"--", "serve"}}) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(Main.SUBCOMMANDS.keySet());
        }
        Result typo = run("serv");
        assertEquals(Main.USAGE, typo.status());
        assertThat(typo.err()).contains("did you mean serve");
    }

    @Test
    void listenSpecsParseHostsAndPorts() {
        assertEquals(new ServerSettings.ListenerSpec("echo", new InetSocketAddress("127.0.0.1", 7000)),
                ServerSettings.ListenerSpec.parse("echo=7000", "127.0.0.1"));
        assertEquals(new ServerSettings.ListenerSpec("chat", new InetSocketAddress("0.0.0.0", 7001)),
                ServerSettings.ListenerSpec.parse("chat=0.0.0.0:7001", "127.0.0.1"));
        assertEquals(new ServerSettings.ListenerSpec("http", new InetSocketAddress("::1", 8080)),
                ServerSettings.ListenerSpec.parse("http=[::1]:8080", "127.0.0.1"));
    }

    @Test
    void badListenSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> ServerSettings.ListenerSpec.parse("echo", "h")).hasMessageContaining("PROTOCOL=[HOST:]PORT");
        assertThatThrownBy(() -> ServerSettings.ListenerSpec.parse("echo=abc", "h")).hasMessageContaining("bad port");
        assertThatThrownBy(() -> ServerSettings.ListenerSpec.parse("echo=70000", "h")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ServerSettings.ListenerSpec.parse("echo=[::1:80", "h")).hasMessageContaining("IPv6");
    }

    @Test
    void durationsTakeUnits() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(10), c.convert("10s"));
        assertEquals(Duration.ofMinutes(5), c.convert("5m"));
        assertEquals(Duration.ofHours(1), c.convert("1h"));
        assertEquals(Duration.ofSeconds(3), c.convert("3"));
        assertThatThrownBy(() -> c.convert("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void durationsPrintAsTheyAreWritten() {
        DurationConverter c = new DurationConverter();
        for (String text : new String[] {"0s", "500ms", "10s", "5m", "1h", "1h30m", "2m5s", "1500ms"}) {
            Duration d = c.convert(text);
            assertEquals(text.equals("1500ms") ? "1500ms" : text, Durations.format(d));
        }
        assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("0.25ms", Durations.format(Duration.ofNanos(250_000)));
        assertEquals("-10s", Durations.format(Duration.ofSeconds(-10)));
    }

    @Test
    void logLevelsAndFormatsAreChecked() {
        assertEquals("DEBUG", Logging.level("debug", "--log-level"));
        assertEquals("json", Logging.format("JSON", "--log-format"));
        assertThatThrownBy(() -> Logging.level("loud", "JSELECTORS_LOG_LEVEL"))
                .hasMessage("JSELECTORS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, not 'loud'");
        assertThatThrownBy(() -> Logging.format("xml", "--log-format")).hasMessageContaining("text, json");
    }

    @Test
    void optionForAProtocolNotServedIsRefused() {
        Result r = run("serve", "--listen", "echo=127.0.0.1:0", "--admin", "off", "--option", "chat.max-line=10");
        assertEquals(2, r.status());
        assertThat(r.err()).isEqualTo("jselectors serve: --option chat.max-line=10: no chat listener is served (serving: echo)"
                + " (see 'jselectors serve --help')" + System.lineSeparator());
    }

    @Test
    void aTlsListenerServesItsBaseProtocolForOptions() {
        Result r = run("serve", "--listen", "chat+tls=127.0.0.1:0", "--tls-self-signed", "--admin", "off",
                "--option", "http.access-log=true");
        assertEquals(2, r.status());
        assertThat(r.err()).contains("no http listener is served (serving: chat)");
    }

    @Test
    void unknownSelectorIsAUsageErrorLikeUnknownTransport() {
        Result selector = run("serve", "--listen", "echo=127.0.0.1:0", "--admin", "off", "--selector", "bogus");
        Result transport = run("serve", "--listen", "echo=127.0.0.1:0", "--admin", "off", "--transport", "bogus");
        assertEquals(2, selector.status());
        assertEquals(2, transport.status());
        assertThat(selector.err()).contains("no backend named 'bogus'").hasLineCount(1);
        assertThat(transport.err()).contains("--transport must be native or nio").hasLineCount(1);
    }

    @Test
    void serveDefaultsToEveryProtocolOnItsDefaultPort() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs();
        ServerSettings s = serve.settings(Protocols.load(getClass().getClassLoader()));
        assertThat(s.listeners()).contains(new ServerSettings.ListenerSpec("echo", new InetSocketAddress("127.0.0.1", 7000)));
        assertEquals(Runtime.getRuntime().availableProcessors(), s.workers());
        assertEquals("native", s.transport());
        assertEquals(Duration.ofSeconds(10), s.drainTimeout());
    }

    @Test
    void serveFlagsReachTheSettings() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--listen", "echo=127.0.0.1:0", "--workers", "3", "--selector", "poll",
                "--transport", "nio", "--idle-timeout", "2s", "--max-connections", "5", "--drain-timeout", "1s",
                "--option", "echo.greeting=hi");
        ServerSettings s = serve.settings(Protocols.load(getClass().getClassLoader()));
        assertEquals(3, s.workers());
        assertEquals("poll", s.selector());
        assertEquals("nio", s.transport());
        assertEquals(Duration.ofSeconds(2), s.idleTimeout());
        assertEquals(5, s.maxConnections());
        assertEquals("hi", s.options().get("echo").get("greeting"));
    }

    @Test
    void unknownProtocolIsRefusedWithTheKnownNames() {
        Result r = run("serve", "--listen", "gopher=70");
        assertEquals(2, r.status());
        assertThat(r.err()).contains("no protocol named 'gopher'").contains("echo");
    }

    @Test
    void badWorkerCountIsRefused() {
        Result r = run("serve", "--listen", "echo=127.0.0.1:0", "--workers", "-2");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("--workers");
    }

    @Test
    void backendsListsEveryBackendAndTheDefault() {
        Result r = run("backends");
        assertEquals(0, r.status(), r.err());
        assertThat(r.out()).contains("epoll").contains("poll").contains("select").contains("nio").contains("(default)");
    }

    @Test
    void protocolsListsEcho() {
        Result r = run("protocols");
        assertEquals(0, r.status(), r.err());
        assertThat(r.out()).contains("echo").contains("7000");
    }

    @Test
    void helpDescribesEveryServeOption() {
        Result r = run("serve", "--help");
        assertEquals(0, r.status());
        for (String flag : new String[] {"--listen", "--workers", "--selector", "--transport", "--idle-timeout",
            "--max-connections", "--drain-timeout", "--plugins", "JSELECTORS_WORKERS"}) {
            assertThat(r.out()).contains(flag);
        }
    }
}
