package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Each transport classifies its own accept errors, so the acceptor's out-of-fds message fires on both. */
class TransportErrorsTest {

    @Test
    void nioRecognisesTheJdksOutOfResourceMessages() {
        assertThat(NioTransport.outOfResources(new IOException("Too many open files"))).isTrue();
        assertThat(NioTransport.outOfResources(new IOException("Too many open files in system"))).isTrue();
        assertThat(NioTransport.outOfResources(new IOException("No buffer space available"))).isTrue();
        assertThat(NioTransport.outOfResources(new IOException("Cannot allocate memory"))).isTrue();
        assertThat(NioTransport.outOfResources(new IOException("Connection reset by peer"))).isFalse();
        assertThat(NioTransport.outOfResources(new IOException((String) null))).isFalse();
    }
}
