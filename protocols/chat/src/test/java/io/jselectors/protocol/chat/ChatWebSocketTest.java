package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.guestNick;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket wire ({@link ChatEndpoint}) in the same rooms as line users: one message per line
 * each way, the same commands, the same limits.
 */
class ChatWebSocketTest {

    private final ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("max-queue", "4096").option("max-line", "64")
            .option("queue-budget", "6000").build();
    private final ChatEndpoint endpoint = HttpListener.chatEndpoint(tester);

    @AfterEach
    void close() {
        tester.close();
    }

    private FakeSession open() {
        return HttpListener.open(tester, endpoint);
    }

    private void say(FakeSession session, String text) {
        endpoint.onText(session, text);
        tester.runPending();
    }

    private FakeSession loginWeb(String nick) {
        FakeSession session = open();
        String guest = guestNick(session.take().getFirst());
        say(session, "/nick " + nick);
        assertThat(session.take()).containsExactly("[lobby] * " + guest + " is now known as " + nick);
        return session;
    }

    @Test
    void eachOutputLineIsOneMessageWithoutItsLineEnd() {
        FakeSession web = open();
        List<String> greeting = web.take();
        assertThat(greeting).hasSize(3);
        assertThat(greeting.get(0)).startsWith("* welcome to jselectors chat; you are guest-");
        assertThat(greeting.get(1)).startsWith("* pick a nick with /nick NAME");
        assertThat(greeting.get(2)).endsWith(" joined");
        say(web, "/help");
        List<String> help = web.take();
        assertThat(help).hasSize(ChatText.HELP.split("\r\n").length).allSatisfy(line -> assertThat(line).doesNotContain("\r", "\n"));
    }

    @Test
    void lineAndWebSocketUsersShareTheRoom() {
        TestConnection ada = login(tester, "ada");
        FakeSession web = loginWeb("web");
        assertThat(lines(ada)).containsExactly("[lobby] * " + "guest-2 joined", "[lobby] * guest-2 is now known as web");

        say(web, "hello from the browser\n");
        assertThat(lines(ada)).containsExactly("[lobby] web: hello from the browser");
        ada.receive("hello from nc\n");
        tester.runPending();
        assertThat(web.take()).containsExactly("[lobby] ada: hello from nc");

        say(web, "/who");
        assertThat(web.take()).containsExactly("* in lobby (2): ada, web");
        say(web, "/me waves");
        assertThat(lines(ada)).containsExactly("[lobby] * web waves");

        ada.receive("/join dev\n");
        say(web, "/join dev");
        drain(ada);
        web.take();
        ada.receive("only dev sees this\n");
        tester.runPending();
        assertThat(web.take()).containsExactly("[dev] ada: only dev sees this");
    }

    @Test
    void privateMessagesCrossWires() {
        TestConnection ada = login(tester, "ada");
        FakeSession web = loginWeb("web");
        drain(ada);
        say(web, "/msg ada psst");
        assertThat(lines(ada)).containsExactly("[pm] web: psst");
        assertThat(web.take()).containsExactly("[pm to ada] psst");
        ada.receive("/msg web hi back\n");
        tester.runPending();
        assertThat(web.take()).containsExactly("[pm] ada: hi back");
    }

    @Test
    void theLineLimitIsTheLineChats() {
        FakeSession web = loginWeb("web");
        say(web, "x".repeat(65));
        assertThat(web.take()).containsExactly("! line too long (the limit is 64 bytes); it was discarded");
        say(web, "x".repeat(64));
        assertThat(web.take()).isEmpty(); // said to an otherwise empty room
        assertThat(web.isOpen()).isTrue();
    }

    @Test
    void aSlowWebSocketReaderIsDroppedAndTheRoomTold() {
        TestConnection ada = login(tester, "ada");
        FakeSession web = loginWeb("web");
        drain(ada);
        web.pending = 4090; // max-queue is 4096: the next line does not fit
        ada.receive("are you there?\n");
        tester.runPending();
        assertThat(web.closeCode).isEqualTo(WebSocketCloseCodes.NORMAL);
        assertThat(lines(ada)).containsExactly("[lobby] * web was disconnected: too slow to read");
        tester.advance(java.time.Duration.ofSeconds(Member.SLOW_ABORT_GRACE_SECONDS));
        assertThat(web.aborted).as("a reader that never takes its goodbye is aborted").isTrue();
        endpoint.onClose(web, WebSocketCloseCodes.ABNORMAL, "");
        tester.runPending();
        assertThat(lines(ada)).isEmpty(); // told once
    }

    @Test
    void theWebSocketReaderFurthestBehindIsAbortedWhenTheQueuesPassTheBudget() {
        TestConnection ada = login(tester, "ada");
        FakeSession slow = loginWeb("slow");
        FakeSession slower = loginWeb("slower");
        FakeSession fine = loginWeb("fine");
        drain(ada);
        slow.take();
        slower.take();
        // Each under max-queue (4096), together just under the budget (6000): seen at their next write.
        slow.pending = 2500;
        slower.pending = 3400;
        ada.receive("one\n");
        tester.runPending();
        assertThat(fine.take()).containsExactly("[lobby] ada: one");
        assertThat(slow.aborted || slower.aborted).as("within the budget").isFalse();

        slower.pending = 3600; // it reads nothing: its next line is counted past the budget, the one after is refused
        ada.receive("two\nthree\n");
        tester.runPending();
        assertThat(slower.aborted).as("the fullest reader that is behind goes, its queue discarded").isTrue();
        assertThat(slow.aborted).as("one is enough to get back under three quarters of the budget").isFalse();
        assertThat(fine.take()).containsExactly("[lobby] ada: two", "[lobby] ada: three",
                "[lobby] * slower was disconnected: too far behind while the server's chat queues are full");
        assertThat(lines(ada)).containsExactly("[lobby] * slower was disconnected: too far behind while the server's chat queues are full");
        assertThat(tester.meterRegistry().get("jselectors.chat.queue.budget.disconnects").counter().count()).isEqualTo(1);
    }

    @Test
    void closingLeavesTheRoomAndFreesTheNick() {
        TestConnection ada = login(tester, "ada");
        FakeSession web = loginWeb("web");
        drain(ada);
        endpoint.onClose(web, WebSocketCloseCodes.GOING_AWAY, "");
        tester.runPending();
        assertThat(lines(ada)).containsExactly("[lobby] * web quit");
        ada.receive("/nick web\n");
        assertThat(lines(ada)).containsExactly("[lobby] * ada is now known as web");
    }

    @Test
    void binaryMessagesCloseWith1003() {
        FakeSession web = open();
        endpoint.onBinary(web, tester.alloc().buffer().writeByte(1));
        assertThat(web.closeCode).isEqualTo(WebSocketCloseCodes.UNSUPPORTED_DATA);
        endpoint.onClose(web, WebSocketCloseCodes.UNSUPPORTED_DATA, "");
    }
}
