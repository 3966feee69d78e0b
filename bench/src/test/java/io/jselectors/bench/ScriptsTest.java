package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark scripts as someone first meets them: {@code --help} prints the usage and exits
 * instead of starting a run of minutes, and nothing in them depends on where this machine keeps
 * things (the shared tools are {@code ../shared/bench} from the repository root) or listens on the
 * port of the server's own admin listener.
 */
class ScriptsTest {

    /** Far more than printing a header takes; a script that starts its run instead is killed here. */
    private static final long HELP_DEADLINE_SECONDS = 60;
    /** The server's admin listener's default port: a benchmark server there collides with it. */
    private static final String ADMIN_PORT = "9100";

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    @ParameterizedTest
    @ValueSource(strings = {"bench/echo-compare.sh", "bench/http-compare.sh", "bench/http-opcounts.sh", "bench/http-handler-cost.sh", "bench/http-ab.sh", "bench/memory.sh", "bench/class-census.sh", "bench/memory-floor.sh",
            "bench/pair-load.sh",
            "bench/tls-ws-compare.sh", "bench/tls-instructions.sh", "bench/tls-hs-profile.sh", "bench/ws-profile.sh", "bench/ws-counts.sh", "bench/ws-ab.sh", "bench/tls-ab.sh", "bench/loop-ab.sh", "bench/idle-cpu.sh", "bench/loop-counts.sh", "bench/loop-timeout-cost.sh", "metrics/scrape-bench.sh", "metrics/scrape-interleaved.sh", "docker/startup-time.sh"})
    void helpPrintsTheUsageAndStartsNothing(String script) throws Exception {
        Path log = Files.createTempFile("script-help", ".txt");
        try {
            Process process = new ProcessBuilder("bash", script, "--help").directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = process.waitFor(HELP_DEADLINE_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            String help = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(exited).as("%s --help still running after %s s: it started a run; printed:%n%s", script,
                    HELP_DEADLINE_SECONDS, help).isTrue();
            assertThat(process.exitValue()).as(help).isZero();
            // Every header names its script with its arguments; the first comment line is the summary.
            assertThat(help).contains(script).doesNotContain("#!");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bench/echo-compare.sh", "bench/http-compare.sh", "bench/http-opcounts.sh", "bench/http-handler-cost.sh", "bench/http-ab.sh", "bench/memory.sh", "bench/class-census.sh", "bench/memory-floor.sh",
            "bench/lib.sh", "bench/help.sh", "bench/server-jvm.sh",
            "bench/pair-load.sh", "bench/tls-ws-compare.sh", "bench/tls-instructions.sh", "bench/tls-hs-profile.sh", "bench/ws-profile.sh", "bench/ws-counts.sh", "bench/ws-ab.sh", "bench/tls-ab.sh", "bench/loop-ab.sh", "bench/idle-cpu.sh", "bench/loop-profile.sh", "bench/loop-counts.sh", "bench/loop-timeout-cost.sh", "metrics/scrape-bench.sh", "metrics/scrape-interleaved.sh",
            "docker/startup-time.sh"})
    void usesNoMachinePathAndNotTheAdminPort(String script) throws IOException {
        List<String> code = Files.readAllLines(ROOT.resolve(script)).stream()
                .filter(line -> !line.strip().startsWith("#")).toList();
        // The shared tools are reached relative to the repository (../shared), never through an
        // absolute path to the folder that holds it; nor does a script name a home directory.
        java.util.regex.Pattern absoluteShared = java.util.regex.Pattern.compile("(^|[\\s\"'=:])/[\\w./-]*/shared/");
        assertThat(code).as(script).noneMatch(line -> absoluteShared.matcher(line).find() || line.contains("/home/"));
        assertThat(code).as(script).noneMatch(line -> line.contains(ADMIN_PORT));
        assertThat(absoluteShared.matcher(Files.readString(ROOT.resolve(script))).find()).as(script).isFalse();
    }
}
