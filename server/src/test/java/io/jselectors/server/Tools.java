package io.jselectors.server;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The command-line tools the tests drive as real peers (curl, openssl, testssl): whether one runs here. */
final class Tools {

    /** A hang guard for a tool's {@code --version}, never a performance claim. */
    private static final long VERSION_LIMIT_SECONDS = 60;

    private Tools() {}

    /** Whether {@code command} runs and exits 0 (e.g. {@code curl --version}). */
    static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(VERSION_LIMIT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
