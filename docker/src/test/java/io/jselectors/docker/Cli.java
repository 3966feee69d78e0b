package io.jselectors.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command as a user types it (the docker and compose CLIs, the release launcher), with a
 * deadline: output and error go to one temporary file, so a chatty command never blocks on a full
 * pipe, and a command past its deadline is killed and reported, never waited for.
 */
final class Cli {

    /** What a finished command left: its exit status and everything it printed. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Cli() {
    }

    /** Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment. */
    static Result run(Path dir, Map<String, String> env, Duration deadline, List<String> command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("jselectors-cli", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + deadline + ": " + String.join(" ", command) + "\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Whether {@code command} runs and exits 0 within 30 s (a probe for a tool being installed). */
    static boolean works(List<String> command) {
        try {
            return run(Path.of("."), Map.of(), Duration.ofSeconds(30), command).ok();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
