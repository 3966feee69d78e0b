package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real browser: Debian's chromium driven by playwright-core
 * ({@code src/test/browser/chat-browser.mjs}), two pages and one real {@code nc} in one room, a
 * private message, HTML shown as text, and reconnection after the server restarts on the same
 * ports. Screenshots go to {@code target/browser-screenshots}.
 *
 * <p>Needs what {@code scripts/install-browser.sh} installs. Without it the test is skipped with the
 * reason, unless {@code CI} is set: on CI a missing tool fails the build.
 */
class ChatBrowserTest {

    /** The whole browser run, restart included; a bound against a hung browser, not a speed check. */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(4);

    private static final Path PROJECT = Path.of("src/test/browser");
    private static final Path SCREENSHOTS = Path.of("target/browser-screenshots");

    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    private Server start(int chatPort, int httpPort) throws IOException {
        ServerSettings settings = ServerSettings.defaults(List.of(
                        ServerSettings.ListenerSpec.parse("chat=127.0.0.1:" + chatPort, "127.0.0.1"),
                        ServerSettings.ListenerSpec.parse("http=127.0.0.1:" + httpPort, "127.0.0.1")))
                .withWorkers(2)
                .withLimits(Duration.ZERO, 1000, Duration.ofSeconds(2))
                .withOptions(Map.of());
        return Server.start(settings, new SimpleMeterRegistry());
    }

    @Test
    void twoPagesAndNcChatInOneRoomAndThePagesSurviveARestart() throws Exception {
        String chromium = requireTools();
        server = start(0, 0);
        InetSocketAddress chat = server.address("chat");
        InetSocketAddress http = server.address("http");

        BrowserRun run = runBrowser(chromium, chat, http);
        if (run.exit() == BROWSER_EXITED) {
            // Chromium's own process died (the script saw it disconnect), not an assertion about the
            // chat: run the browser part once more against the same server; a second time fails.
            System.out.println("[browser] chromium exited during the run; running the browser part once more");
            run = runBrowser(chromium, chat, http);
        }
        List<String> output = run.output();
        assertThat(output).as("the browser run's output").contains("OK");
        assertThat(run.exit()).as("node's exit status; output:%n%s", String.join("\n", output)).isZero();
        assertThat(SCREENSHOTS.resolve("chat-desktop.png")).isNotEmptyFile();
        assertThat(SCREENSHOTS.resolve("chat-phone.png")).isNotEmptyFile();
    }

    /** chat-browser.mjs's exit status when chromium's process ended during the run. */
    private static final int BROWSER_EXITED = 3;

    private record BrowserRun(List<String> output, int exit) {}

    /** One run of chat-browser.mjs: its output lines and exit status; restarts the server when it asks. */
    private BrowserRun runBrowser(String chromium, InetSocketAddress chat, InetSocketAddress http) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "chat-browser.mjs").directory(PROJECT.toFile()).redirectErrorStream(true);
        builder.environment().put("HTTP_URL", "http://127.0.0.1:" + http.getPort());
        builder.environment().put("CHAT_HOST", "127.0.0.1");
        builder.environment().put("CHAT_PORT", Integer.toString(chat.getPort()));
        builder.environment().put("CHROMIUM", chromium);
        builder.environment().put("SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString());
        Process node = builder.start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    if (!node.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        node.destroyForcibly(); // ends the read loop below
                    }
                } catch (InterruptedException e) {
                    node.destroyForcibly();
                }
            });
            for (String line; (line = out.readLine()) != null; ) {
                output.add(line);
                System.out.println("[browser] " + line);
                if (line.equals("RESTART")) {
                    server.shutdown();
                    server = start(chat.getPort(), http.getPort()); // same ports: the pages come back by themselves
                    in.write("RESTARTED\n");
                    in.flush();
                }
            }
            watchdog.interrupt();
        }
        boolean exited = node.waitFor(10, TimeUnit.SECONDS);
        assertThat(exited).as("node exited").isTrue();
        return new BrowserRun(output, node.exitValue());
    }

    /** The chromium binary; skips (or, with CI set, fails) naming what is missing. */
    private static String requireTools() {
        List<String> missing = new ArrayList<>();
        String chromium = onPath("chromium");
        if (chromium == null) {
            chromium = onPath("chromium-browser");
        }
        if (chromium == null) {
            missing.add("chromium");
        }
        for (String tool : List.of("node", "nc")) {
            if (onPath(tool) == null) {
                missing.add(tool);
            }
        }
        if (!Files.isDirectory(PROJECT.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core in " + PROJECT + "/node_modules");
        }
        if (!missing.isEmpty()) {
            String reason = "browser test needs " + String.join(", ", missing) + ": run scripts/install-browser.sh";
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
                fail("CI is set and the " + reason);
            }
            System.out.println("SKIPPED ChatBrowserTest: " + reason);
            Assumptions.abort(reason);
        }
        return chromium;
    }

    private static String onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
