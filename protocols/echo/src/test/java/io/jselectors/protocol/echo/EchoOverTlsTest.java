package io.jselectors.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Echo through the server's TLS layer, driven by the testkit's in-memory TLS client. */
class EchoOverTlsTest {

    @Test
    void echoesPlaintextWhileRecordsCrossTheSocket() {
        try (ProtocolTester tester = ProtocolTester.overTls(new EchoProtocol())) {
            TestConnection connection = tester.connect();
            assertThat(connection.tls().isHandshakeDone()).isTrue();
            assertThat(connection.tls().protocol()).isEqualTo("TLSv1.3");
            assertThat(connection.tls().applicationProtocol()).as("no ALPN offered").isEmpty();

            connection.receive("hello over tls");
            assertThat(connection.takeOutputString()).isEqualTo("hello over tls");
        }
    }

    @Test
    void echoesManyChunksOfEverySizeInOrder() {
        Random random = new Random(1443);
        try (ProtocolTester tester = ProtocolTester.overTls(new EchoProtocol())) {
            TestConnection connection = tester.connect();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (int i = 0; i < 300; i++) {
                byte[] chunk = new byte[1 + random.nextInt(i % 50 == 0 ? 70_000 : 1_500)]; // some above a 16 KiB record
                random.nextBytes(chunk);
                sent.writeBytes(chunk);
                connection.receive(chunk);
                if (random.nextInt(4) == 0) {
                    received.writeBytes(connection.takeOutput());
                }
            }
            received.writeBytes(connection.takeOutput());
            assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
        }
    }

    @Test
    void aHalfCloseIsAnsweredWithTheRestThenCloseNotify() {
        try (ProtocolTester tester = ProtocolTester.overTls(new EchoProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("last words");
            connection.peerShutdownOutput(); // TCP end of stream: echo closes after sending the rest
            assertThat(connection.takeOutputString()).isEqualTo("last words");
            assertThat(connection.tls().closeNotifyReceived()).isTrue();
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void theClientsCloseNotifyClosesTheConnectionWithCloseNotify() {
        try (ProtocolTester tester = ProtocolTester.overTls(new EchoProtocol())) {
            TestConnection connection = tester.connect();
            connection.tls().sendCloseNotify();
            connection.takeOutput();
            assertThat(connection.isOpen()).isFalse();
            assertThat(connection.tls().closeNotifyReceived()).isTrue();
        }
    }

    @Test
    void alpnIsNegotiatedWhenTheTesterOffersIt() {
        try (ProtocolTester tester = ProtocolTester.builder(new EchoProtocol()).tls("echo/1", "h2").build()) {
            TestConnection connection = tester.connect();
            assertThat(connection.tls().applicationProtocol()).isEqualTo("echo/1");
            connection.receive("x");
            assertThat(connection.takeOutputString()).isEqualTo("x");
        }
    }
}
