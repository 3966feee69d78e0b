package io.jselectors.examples.daytime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The plugin guide's testkit example, kept honest: the README quotes the first test. */
class DaytimeProtocolTest {

    @Test
    void sendsTheDateThenCloses() {
        try (ProtocolTester tester = ProtocolTester.of(new DaytimeProtocol())) {
            TestConnection c = tester.connect();
            assertThat(c.takeOutputString()).endsWith("GMT\r\n");
            assertThat(c.isOpen()).isFalse();
        }
    }

    /** The guide's TLS example: a line written and closed in onOpen still goes out after the handshake. */
    @Test
    void sendsTheDateThenClosesOverTls() {
        try (ProtocolTester tester = ProtocolTester.overTls(new DaytimeProtocol())) {
            TestConnection c = tester.connect();
            assertThat(c.takeOutputString()).endsWith("GMT\r\n");
            assertThat(c.tls().closeNotifyReceived()).isTrue();
        }
    }

    @Test
    void zoneOptionChangesTheOffset() {
        try (ProtocolTester tester = ProtocolTester.builder(new DaytimeProtocol()).option("zone", "+09:00").build()) {
            String line = tester.connect().takeOutputString().trim();
            ZonedDateTime t = ZonedDateTime.parse(line, DateTimeFormatter.RFC_1123_DATE_TIME);
            assertThat(t.getOffset().getTotalSeconds()).isEqualTo(9 * 3600);
        }
    }
}
