package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code jselectors train}, the AOT cache's training run (docker/Dockerfile runs it at build): every
 * phase gets the answers it checks from the server it starts, and the server stops again.
 */
class TrainCommandTest {

    @Test
    void everyPhaseIsAnsweredAndTheServerStops() {
        // --strict: a phase that fails (a wrong answer, a timeout) makes the status 1.
        CommandLineTest.Result result = CommandLineTest.run("train", "--strict", "--tls", "--phase", "300ms");
        assertThat(result.err()).isEmpty();
        assertThat(result.status()).isZero();
    }
}
