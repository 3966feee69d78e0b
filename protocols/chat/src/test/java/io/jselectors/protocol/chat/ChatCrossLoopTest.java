package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rooms spanning two real worker threads: delivery through the recipients' loops, per-sender
 * order, slow readers on another loop, and concurrent joins and quits. {@link ThreadedLoops}
 * records every connection call made from a thread other than the connection's loop, and any such
 * call fails the test.
 */
class ChatCrossLoopTest {

    private static final int MESSAGES = 3000;

    @Test
    void eachRecipientSeesEachSendersMessagesInOrderAcrossLoops() {
        try (ThreadedLoops loops = new ThreadedLoops(new ChatProtocol(), 2, Map.of())) {
            ThreadedLoops.Peer alice = login(loops, 0, "alice");
            ThreadedLoops.Peer bob = login(loops, 1, "bob");
            ThreadedLoops.Peer carol = login(loops, 0, "carol");
            ThreadedLoops.Peer dave = login(loops, 1, "dave");

            for (int i = 0; i < MESSAGES; i += 10) {
                alice.send(numbered("a", i, 10) + "/msg dave pa" + (i + 9) + "\n");
                bob.send(numbered("b", i, 10) + "/msg carol pb" + (i + 9) + "\n");
            }
            loops.await("every message delivered", () -> count(carol, "[lobby] bob: b") == MESSAGES
                    && count(dave, "[lobby] alice: a") == MESSAGES
                    && count(carol, "[lobby] alice: a") == MESSAGES
                    && count(dave, "[lobby] bob: b") == MESSAGES
                    && count(alice, "[lobby] bob: b") == MESSAGES
                    && count(bob, "[lobby] alice: a") == MESSAGES);

            for (ThreadedLoops.Peer reader : List.of(alice, bob, carol, dave)) {
                List<String> seen = reader.lines();
                if (reader != alice) {
                    assertInOrder(seen, "[lobby] alice: a", "[pm] alice: pa");
                }
                if (reader != bob) {
                    assertInOrder(seen, "[lobby] bob: b", "[pm] bob: pb");
                }
            }
            MeterRegistry meters = loops.context().meterRegistry();
            assertThat(meters.get("jselectors.chat.messages.delivered").counter().count())
                    .as("each room line to three readers, plus the private messages").isEqualTo(2 * MESSAGES * 3 + 2 * MESSAGES / 10);
        }
    }

    @Test
    void aStalledReaderOnAnotherLoopIsDroppedWhileTheOthersGetEverything() {
        try (ThreadedLoops loops = new ThreadedLoops(new ChatProtocol(), 2, Map.of("max-queue", "8192"))) {
            ThreadedLoops.Peer alice = login(loops, 0, "alice");
            ThreadedLoops.Peer bob = login(loops, 1, "bob");
            ThreadedLoops.Peer carol = login(loops, 0, "carol");
            ThreadedLoops.Peer dave = login(loops, 1, "dave");
            loops.quiesce();
            dave.stall();

            int sent = 0;
            while (!dave.isClosing() && sent < 5000) {
                alice.send(numbered("a", sent, 50));
                sent += 50;
                loops.quiesce();
            }
            assertThat(dave.isClosing()).as("dave was dropped").isTrue();
            int total = sent;
            loops.await("the others got everything", () -> count(bob, "[lobby] alice: a") == total && count(carol, "[lobby] alice: a") == total);
            String notice = "[lobby] * dave was disconnected: too slow to read";
            loops.await("the room was told", () -> bob.lines().contains(notice) && carol.lines().contains(notice) && alice.lines().contains(notice));
            assertThat(loops.context().meterRegistry().counter("jselectors.chat.slow.consumers").count()).isEqualTo(1);
            assertThat(state(loops).findNick("dave")).isNull();
            assertInOrder(bob.lines(), "[lobby] alice: a", null);
        }
    }

    @Test
    void concurrentJoinsLeavesAndQuitsOnTwoLoopsLeaveNoState() {
        try (ThreadedLoops loops = new ThreadedLoops(new ChatProtocol(), 2, Map.of())) {
            List<ThreadedLoops.Peer> peers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                peers.add(loops.connect(i % 2));
            }
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < peers.size(); i++) {
                    peers.get(i).send("/join r" + ((i + round) % 7) + "\nhi\n/rooms\n/leave\n/join r" + (i % 3) + "\n");
                }
            }
            for (ThreadedLoops.Peer peer : peers) {
                peer.send("/quit\n");
            }
            loops.await("everyone gone", () -> peers.stream().allMatch(ThreadedLoops.Peer::isClosed));
            loops.quiesce();
            ChatState state = state(loops);
            assertThat(state.userCount()).isZero();
            assertThat(state.rooms()).extracting(Room::name).containsExactly("lobby");
            assertThat(state.room("lobby").members()).isEmpty();
        }
    }

    private static ThreadedLoops.Peer login(ThreadedLoops loops, int loop, String nick) {
        ThreadedLoops.Peer peer = loops.connect(loop);
        peer.send("/nick " + nick + "\n");
        loops.await(nick + " named", () -> peer.lines().stream().anyMatch(l -> l.endsWith(" is now known as " + nick)));
        return peer;
    }

    private static ChatState state(ThreadedLoops loops) {
        return ChatProtocol.state(loops.context());
    }

    private static String numbered(String prefix, int from, int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            lines.append(prefix).append(i).append('\n');
        }
        return lines.toString();
    }

    private static long count(ThreadedLoops.Peer peer, String prefix) {
        return peer.lines().stream().filter(line -> line.startsWith(prefix)).count();
    }

    /**
     * Room lines with {@code roomPrefix} count up from 0 with no gap, and each private message
     * {@code pmPrefix + n} (if not null) comes right after room line n (it was sent right after it).
     */
    private static void assertInOrder(List<String> seen, String roomPrefix, String pmPrefix) {
        int next = 0;
        for (String line : seen) {
            if (line.startsWith(roomPrefix)) {
                assertThat(Integer.parseInt(line.substring(roomPrefix.length()))).as("after %d", next - 1).isEqualTo(next);
                next++;
            } else if (pmPrefix != null && line.startsWith(pmPrefix)) {
                assertThat(Integer.parseInt(line.substring(pmPrefix.length()))).isEqualTo(next - 1);
            }
        }
    }
}
