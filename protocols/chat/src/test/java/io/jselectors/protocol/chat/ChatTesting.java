package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small helpers shared by the chat tests that run on the testkit. */
final class ChatTesting {

    private ChatTesting() {}

    static ProtocolTester tester() {
        return ProtocolTester.of(new ChatProtocol());
    }

    static ChatState state(ProtocolTester tester) {
        return ChatProtocol.state(tester.context());
    }

    /** Connects, takes the nick, and discards everything it was told so far. */
    static TestConnection login(ProtocolTester tester, String nick) {
        TestConnection connection = tester.connect();
        String guest = guestNick(lines(connection).getFirst());
        connection.receive("/nick " + nick + "\n");
        assertThat(lines(connection)).containsExactly("[lobby] * " + guest + " is now known as " + nick);
        return connection;
    }

    /** The guest nick named in the first line of the greeting. */
    static String guestNick(String greeting) {
        Matcher matcher = Pattern.compile("you are (guest-[0-9]+) ").matcher(greeting);
        assertThat(matcher.find()).as("a guest nick in %s", greeting).isTrue();
        return matcher.group(1);
    }

    /** What the peer has been sent since last asked, as lines without their CRLF. */
    static List<String> lines(TestConnection connection) {
        String text = connection.takeOutputString();
        if (text.isEmpty()) {
            return List.of();
        }
        assertThat(text).as("every line ends in CRLF").endsWith("\r\n");
        return Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1));
    }

    /** Discards what the peers were sent so far. */
    static void drain(TestConnection... connections) {
        for (TestConnection connection : connections) {
            connection.takeOutput();
        }
    }
}
