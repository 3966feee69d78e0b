package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.chat.broker.BrokerSettings;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster link on the testkit with a broker in memory ({@link FakeBroker}): what goes to the
 * broker, what comes back, the bounded hand-off, the outage notices and the options. The same
 * behaviour on real brokers is the cluster-test module's suite.
 */
class ClusterLinkTest {

    private final ProtocolTester tester = ProtocolTester.builder(new ChatProtocol())
            .option("cluster", "fake://user:secret@broker:1")
            .option("cluster-name", "unit")
            .build();

    @AfterEach
    void close() {
        FakeBroker.last.hold.countDown();
        tester.close();
    }

    private TestConnection login(String nick) {
        TestConnection c = tester.connect();
        tester.runPending();
        c.receive("/nick " + nick + "\n");
        eventually(() -> {
            tester.runPending();
            return c.takeOutputString().contains("is now known as " + nick);
        });
        return c;
    }

    /** Waits for an outcome of the cluster thread (it runs on its own), checking often. */
    private static void eventually(BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("outcome reached in time").isNegative();
            Thread.onSpinWait();
        }
    }

    private double dropped(String reason) {
        return tester.meterRegistry().get("jselectors.chat.cluster.dropped").tag("reason", reason).counter().count();
    }

    @Test
    void aRoomLineGoesToTheBrokerOnceWhateverTheRoomsSize() {
        TestConnection ann = login("ann");
        login("bob");
        login("cat");
        ann.receive("hello\n");
        tester.runPending();
        eventually(() -> FakeBroker.last.published('M').stream().anyMatch(m -> m.fields().get(2).equals("[lobby] ann: hello")));
        assertThat(FakeBroker.last.published('M').stream().filter(m -> m.fields().get(2).contains("hello"))).hasSize(1);
        assertThat(FakeBroker.last.claims).containsKeys("ann", "bob", "cat");
    }

    @Test
    void linesAndPresenceFromOtherInstancesReachTheLocalRoom() {
        TestConnection ann = login("ann");
        FakeBroker broker = FakeBroker.last;
        broker.events.received(ClusterWire.sequenced(1, ClusterWire.present("other1", "7", "zoe", "lobby")));
        broker.events.received(ClusterWire.sequenced(2, ClusterWire.roomLine("other1", "lobby", true, "[lobby] zoe: hi there")));
        tester.runPending();
        assertThat(lines(ann)).contains("[lobby] zoe: hi there");
        ann.receive("/who\n");
        tester.runPending();
        assertThat(lines(ann)).containsExactly("* in lobby (2): ann, zoe");
        broker.events.received(ClusterWire.sequenced(3, ClusterWire.privateLine("other1", "ANN", "[pm] zoe: psst")));
        tester.runPending();
        assertThat(lines(ann)).containsExactly("[pm] zoe: psst");
        broker.events.received(ClusterWire.sequenced(4, ClusterWire.bye("other1")));
        ann.receive("/who\n");
        tester.runPending();
        assertThat(lines(ann)).containsExactly("[lobby] * zoe left (their server shut down)", "* in lobby (1): ann");
    }

    @Test
    void aFullHandOffIsCountedAndToldToTheSender() {
        TestConnection ann = login("ann");
        FakeBroker.last.hold = new CountDownLatch(1);
        StringBuilder lines = new StringBuilder();
        // The held cluster thread may have taken one batch out of the queue before it blocked.
        for (int i = 0; i < ClusterLink.HANDOFF_CAPACITY + ClusterJobs.PUBLISH_BATCH + 10; i++) {
            lines.append("line ").append(i).append('\n');
        }
        ann.receive(lines.toString());
        tester.runPending();
        assertThat(lines(ann)).contains(ChatSession.NOT_SENT_ELSEWHERE);
        assertThat(dropped("handoff-full")).isGreaterThanOrEqualTo(1);
        assertThat(tester.meterRegistry().get("jselectors.chat.cluster.handoff.depth").gauge().value()).isPositive();
    }

    @Test
    void anOutageIsToldOnceAndItsMessagesAreNotSentLater() {
        TestConnection ann = login("ann");
        TestConnection bob = login("bob");
        FakeBroker broker = FakeBroker.last;
        ChatTesting.drain(ann, bob);
        broker.up = false;
        broker.events.disconnected("test cut");
        broker.events.disconnected("test cut again");
        tester.runPending();
        assertThat(lines(ann)).containsExactly(ClusterLink.UNREACHABLE);
        assertThat(lines(bob)).containsExactly(ClusterLink.UNREACHABLE);
        int before = broker.published.size();
        ann.receive("while down\n/nick anna\n");
        tester.runPending();
        assertThat(lines(bob)).containsExactly("[lobby] ann: while down");
        assertThat(lines(ann)).singleElement().asString().startsWith("! other instances are unreachable, so anna");
        assertThat(dropped("unreachable")).isGreaterThanOrEqualTo(1);
        broker.up = true;
        broker.events.connected();
        tester.runPending();
        assertThat(lines(bob)).containsExactly(ClusterLink.BACK);
        // A snapshot: the cluster thread keeps publishing heartbeats meanwhile.
        List<byte[]> published = List.copyOf(broker.published);
        assertThat(published.subList(before, published.size()).stream().map(ClusterWire::decode))
                .noneMatch(m -> m.kind() == 'M' && m.fields().get(2).contains("while down"));
        assertThat(tester.meterRegistry().get("jselectors.chat.cluster.reconnects").counter().count()).isEqualTo(1);
    }

    /** The room lines published so far containing {@code text}, in publishing order. */
    private static List<ClusterWire.Message> publishedLines(String text) {
        return FakeBroker.last.published('M').stream().filter(m -> m.fields().get(2).contains(text)).toList();
    }

    /**
     * Logs in and waits until the rename notice has been published too: it goes out on the cluster
     * thread after the user sees it, and must not take the failures a test sets up next.
     */
    private TestConnection loginPublished(String nick) {
        TestConnection c = login(nick);
        eventually(() -> publishedLines("is now known as " + nick).size() == 1);
        return c;
    }

    @Test
    void aPublishThatTimesOutIsRetriedInOrderWithItsSequenceNumber() {
        TestConnection ann = loginPublished("ann");
        FakeBroker broker = FakeBroker.last;
        broker.failAfterPublishing = true; // the first try reached the broker although it timed out
        broker.failNext.set(ClusterPublisher.PUBLISH_ATTEMPTS - 1);
        ann.receive("first\nsecond\n");
        tester.runPending();
        eventually(() -> publishedLines("second").size() == 1);
        List<ClusterWire.Message> sent = publishedLines("] ann: ");
        assertThat(sent).extracting(m -> m.fields().get(2))
                .containsExactly("[lobby] ann: first", "[lobby] ann: first", "[lobby] ann: first", "[lobby] ann: second");
        assertThat(sent.get(0).seq()).isEqualTo(sent.get(2).seq()).isLessThan(sent.get(3).seq());
        assertThat(dropped("failed")).isZero();
        assertThat(lines(ann)).noneMatch(l -> l.startsWith("! "));
    }

    @Test
    void aPublishThatFailsEveryAttemptIsCountedAndItsAuthorTold() {
        TestConnection ann = loginPublished("ann");
        FakeBroker.last.failNext.set(ClusterPublisher.PUBLISH_ATTEMPTS);
        ann.receive("lost one\nkept one\n");
        tester.runPending();
        eventually(() -> publishedLines("kept one").size() == 1);
        assertThat(publishedLines("lost one")).isEmpty();
        assertThat(dropped("failed")).isEqualTo(1);
        eventually(() -> {
            tester.runPending();
            return lines(ann).contains(ClusterPublisher.notDelivered("[lobby] ann: lost one", "publish: read timed out"));
        });
    }

    /**
     * Holds the broker with a first line (or a heartbeat) in publish, queues {@code count} lines from
     * {@code who} behind it, then lets the broker go: the lines wait together, as on a busy broker.
     */
    private void sendWhileHeld(TestConnection who, int count) {
        FakeBroker broker = FakeBroker.last;
        broker.hold = new CountDownLatch(1);
        who.receive("queued blocker\n");
        tester.runPending();
        eventually(() -> broker.blocked.get() > 0);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("queued ").append(i).append('\n');
        }
        who.receive(lines.toString());
        tester.runPending();
        eventually(() -> tester.meterRegistry().get("jselectors.chat.cluster.handoff.depth").gauge().value() >= count);
        broker.hold.countDown();
        eventually(() -> publishedLines("queued " + (count - 1)).size() == 1);
    }

    /** What {@link #sendWhileHeld} sends, in order. */
    private static List<String> queued(int count) {
        List<String> out = new java.util.ArrayList<>();
        out.add("[lobby] ann: queued blocker");
        java.util.stream.IntStream.range(0, count).forEach(i -> out.add("[lobby] ann: queued " + i));
        return out;
    }

    @Test
    void linesQueuedWhileTheBrokerIsBusyArePublishedAsOneBatchInOrder() {
        TestConnection ann = loginPublished("ann");
        int count = 100;
        sendWhileHeld(ann, count);
        List<ClusterWire.Message> sent = publishedLines("] ann: queued ");
        assertThat(sent).extracting(m -> m.fields().get(2)).containsExactlyElementsOf(queued(count));
        assertThat(sent).extracting(ClusterWire.Message::seq).isSorted().doesNotHaveDuplicates();
        assertThat(FakeBroker.last.batches).anyMatch(size -> size >= count);
        assertThat(tester.meterRegistry().get("jselectors.chat.cluster.published").counter().count()).isGreaterThanOrEqualTo(count + 1);
    }

    @Test
    void aBatchThatFailsIsRetriedMessageByMessageAndLosesNothing() {
        TestConnection ann = loginPublished("ann");
        FakeBroker.last.failNextBatch.set(1); // its first line got through before the failure
        int count = 20;
        sendWhileHeld(ann, count);
        List<ClusterWire.Message> sent = publishedLines("] ann: queued ");
        assertThat(sent.stream().map(m -> m.fields().get(2)).distinct().toList()).containsExactlyElementsOf(queued(count));
        // One line twice (the batch's copy, then its retry alone), with the same number.
        assertThat(sent).hasSize(count + 2);
        List<Long> seqs = sent.stream().map(ClusterWire.Message::seq).toList();
        assertThat(seqs).isSorted();
        assertThat(seqs.stream().distinct()).hasSize(count + 1);
        assertThat(FakeBroker.last.batches).anyMatch(size -> size >= count);
        assertThat(dropped("failed")).isZero();
        tester.runPending();
        assertThat(lines(ann)).noneMatch(l -> l.startsWith("! "));
    }

    @Test
    void aRetriedCopyIsShownOnceAndAGapIsCountedAsMissed() {
        TestConnection ann = login("ann");
        FakeBroker broker = FakeBroker.last;
        byte[] hello = ClusterWire.roomLine("other1", "lobby", true, "[lobby] zoe: hello");
        broker.events.received(ClusterWire.sequenced(1, hello));
        broker.events.received(ClusterWire.sequenced(1, hello));
        broker.events.received(ClusterWire.sequenced(5, ClusterWire.roomLine("other1", "lobby", true, "[lobby] zoe: later")));
        tester.runPending();
        assertThat(lines(ann)).containsExactly("[lobby] zoe: hello", "[lobby] zoe: later");
        assertThat(tester.meterRegistry().get("jselectors.chat.cluster.duplicates").counter().count()).isEqualTo(1);
        assertThat(dropped("missed")).isEqualTo(3);
    }

    @Test
    void aMessageInAnotherFormatIsCountedAsUnreadableAndTheNextGoodOneStillArrives() {
        TestConnection ann = login("ann");
        FakeBroker broker = FakeBroker.last;
        // The format before sequence numbers: an older instance's line.
        broker.events.received(ClusterWire.roomLine("old1", "lobby", true, "[lobby] old: hi"));
        broker.events.received("not ours at all".getBytes(StandardCharsets.UTF_8));
        broker.events.received(ClusterWire.sequenced(1, ClusterWire.roomLine("other1", "lobby", true, "[lobby] zoe: hello")));
        tester.runPending();
        assertThat(lines(ann)).containsExactly("[lobby] zoe: hello");
        assertThat(dropped("unreadable")).isEqualTo(2);
        assertThat(tester.meterRegistry().get("jselectors.chat.cluster.received").counter().count()).isEqualTo(1);
    }

    @Test
    void guestsGetTheInstancesPrefixAndNeedNoClaim() {
        TestConnection c = tester.connect();
        tester.runPending();
        String greeting = c.takeOutputString();
        String prefix = "guest-" + FakeBroker.last.settings.instance() + "-";
        assertThat(greeting).contains("you are " + prefix);
        assertThat(FakeBroker.last.claims).isEmpty();
    }

    @Test
    void credentialsStayOutOfSettingsTextAndErrors() {
        BrokerSettings s = FakeBroker.last.settings;
        assertThat(s.describe()).isEqualTo("fake://broker:1");
        assertThat(s.toString()).doesNotContain("secret");
        assertThat(s.cluster()).isEqualTo("unit");
        assertThatThrownBy(() -> ClusterSetup.parse("nats://u:hunter2@host:4222,redis://h:6379"))
                .hasMessageContaining("same broker").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ClusterSetup.parse("nats://u:hunter2@ho st"))
                .hasMessageNotContaining("hunter2");
        assertThat(ClusterSetup.parse("nats://a:4222, nats://b:4222")).containsExactly(URI.create("nats://a:4222"), URI.create("nats://b:4222"));
        assertThat(BrokerSettings.backoff(0)).isEqualTo(BrokerSettings.BACKOFF_MIN);
        assertThat(BrokerSettings.backoff(40)).isEqualTo(BrokerSettings.BACKOFF_MAX);
    }

    @Test
    void aTrustFileThatCannotBeUsedStopsTheStartNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing-ca.pem");
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("cluster", "fake://broker:1")
                .option("cluster-ca", missing.toString()).build())
                .hasMessageContaining("cluster-ca").hasMessageContaining(missing.toString());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificate here\n");
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("cluster", "fake://broker:1")
                .option("cluster-ca", empty.toString()).build())
                .hasMessageContaining("cluster-ca").hasMessageContaining(empty.toString());
    }

    @Test
    void anUnknownSchemeNamesTheModulesToAdd() {
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("cluster", "kafka://h:1").build())
                .hasMessageContaining("no broker client for kafka://").hasMessageContaining("fake");
    }
}
