package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.guestNick;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat through the server's TLS layer, driven by the testkit's in-memory TLS client. */
class ChatOverTlsTest {

    @Test
    void theGreetingWrittenBeforeTheHandshakeArrivesAfterItAndRoomsWork() {
        try (ProtocolTester tester = ProtocolTester.overTls(new ChatProtocol())) {
            TestConnection alice = tester.connect();
            List<String> greeting = lines(alice);
            assertThat(greeting).isNotEmpty();
            String guest = guestNick(greeting.getFirst());
            alice.receive("/nick alice\n");
            assertThat(lines(alice)).containsExactly("[lobby] * " + guest + " is now known as alice");

            TestConnection bob = tester.connect();
            lines(bob);
            lines(alice); // bob's arrival
            bob.receive("hi alice\n");
            assertThat(lines(alice)).anySatisfy(line -> assertThat(line).endsWith(": hi alice"));
            assertThat(alice.tls().protocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void quitClosesWithCloseNotifyAfterTheGoodbye() {
        try (ProtocolTester tester = ProtocolTester.overTls(new ChatProtocol())) {
            TestConnection alice = tester.connect();
            lines(alice);
            alice.receive("/quit\n");
            String rest = alice.takeOutputString();
            assertThat(alice.tls().closeNotifyReceived()).isTrue();
            assertThat(alice.isOpen()).isFalse();
            assertThat(rest).doesNotContain("error");
        }
    }
}
