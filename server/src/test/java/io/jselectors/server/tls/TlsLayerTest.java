package io.jselectors.server.tls;

import io.jselectors.connection.tls.HandshakeGate;
import io.jselectors.connection.tls.HandshakeTasks;
import io.jselectors.connection.tls.TlsLayer;
import io.jselectors.connection.tls.TlsSettings;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TLS layer under a testkit connection, against a JDK client engine, all in memory. */
class TlsLayerTest {

    private static CertifiedKey key;
    private static TlsContext tls;

    /** Echoes each read; "burst" answers with 100 writes of 10 bytes, "bye" closes. */
    static final class Echo implements ProtocolHandler {
        @Override
        public void onRead(Connection c, ByteBuf data) {
            String text = data.toString(StandardCharsets.US_ASCII);
            if (text.equals("bye")) {
                data.release();
                c.close();
            } else if (text.equals("burst")) {
                data.release();
                for (int i = 0; i < 100; i++) {
                    c.write(c.alloc().buffer(10).writeBytes("0123456789".getBytes(StandardCharsets.US_ASCII)));
                }
            } else if (text.equals("mixed")) {
                data.release();
                mixedWrites(c);
            } else if (text.startsWith("big")) {
                data.release();
                c.write(c.alloc().buffer(40_000).writeZero(40_000));
            } else {
                c.write(data);
            }
        }
    }

    /** What {@link #mixedWrites} writes, in order. */
    static final String MIXED = "composite|" + "a".repeat(20_000) + "|first slice|second slice|heap";

    /**
     * Writes of every kind in one flush: a composite, a 20,000-byte direct buffer, two slices of one
     * parent (whose views must not be shared) and a heap buffer.
     */
    static void mixedWrites(Connection c) {
        var composite = c.alloc().compositeBuffer();
        composite.addComponent(true, c.alloc().directBuffer().writeBytes("compo".getBytes(StandardCharsets.US_ASCII)));
        composite.addComponent(true, c.alloc().directBuffer().writeBytes("site|".getBytes(StandardCharsets.US_ASCII)));
        c.write(composite);
        c.write(c.alloc().directBuffer(20_001).writeBytes(("a".repeat(20_000) + "|").getBytes(StandardCharsets.US_ASCII)));
        ByteBuf parent = c.alloc().directBuffer().writeBytes("first slice|second slice|".getBytes(StandardCharsets.US_ASCII));
        c.write(parent.retainedSlice(0, 12));
        c.write(parent.retainedSlice(12, 13));
        parent.release();
        c.write(io.netty.buffer.Unpooled.copiedBuffer("heap", StandardCharsets.US_ASCII));
    }

    final RecordingObserver observer = new RecordingObserver();
    final List<String> events = observer.events;
    final ProtocolTester tester = ProtocolTester.builder("tls-echo", ctx -> new Echo()).build();
    HandshakeGate gate = new HandshakeGate(HandshakeGate.DEFAULT_MAX_HANDSHAKES);

    @BeforeAll
    static void keys() throws Exception {
        key = TestCertificates.rsa("layer.test");
        tls = TlsContext.create(new SniKeyManager(List.of(key)));
    }

    @AfterEach
    void noLeaks() {
        tester.close();
    }

    TestConnection serve(Executor tasks, List<String> alpn) {
        TestConnection c = tester.connect();
        c.installLayer(new TlsLayer(tls.newServerEngine(alpn), c,
                new TlsSettings(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT, alpn, tasks), gate, observer));
        return c;
    }

    static InMemoryTlsClient client(String version) throws Exception {
        return new InMemoryTlsClient(SniKeyManagerTest.client(List.of(key), "layer.test", version, new String[0]));
    }

    /** Runs the handshake through {@code c}; delegated tasks run inline. */
    void handshake(InMemoryTlsClient client, TestConnection c) throws Exception {
        for (int i = 0; i < 20 && !(client.handshaken() && events.stream().anyMatch(e -> e.startsWith("done"))); i++) {
            byte[] out = client.output();
            if (out.length > 0) {
                c.receive(out);
            }
            tester.runPending();
            client.input(c.takeOutput());
        }
        assertThat(client.handshaken()).as("client handshake").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void echoesOverEachVersion(String version) throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        InMemoryTlsClient client = client(version);
        handshake(client, c);
        assertThat(events).containsExactly("done " + version);
        c.receive(client.output("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(new String(client.input(c.takeOutput()), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void delegatedTasksRunOffTheLoopAndResumeThroughItsQueue() throws Exception {
        List<Runnable> offLoop = new ArrayList<>();
        TestConnection c = serve(offLoop::add, List.of());
        InMemoryTlsClient client = client("TLSv1.3");
        c.receive(client.output());
        // The engine needs a task: nothing is sent and the loop has nothing to do (no busy loop).
        assertThat(offLoop).hasSize(1);
        assertThat(c.takeOutput()).isEmpty();
        assertThat(tester.loop().pendingTasks()).isZero();
        Thread runner = Thread.ofPlatform().start(offLoop.removeFirst());
        runner.join();
        assertThat(tester.loop().pendingTasks()).isEqualTo(1);
        for (int i = 0; i < 10 && !client.handshaken(); i++) {
            tester.runPending();
            while (!offLoop.isEmpty()) {
                offLoop.removeFirst().run();
                tester.runPending();
            }
            client.input(c.takeOutput());
            byte[] out = client.output();
            if (out.length > 0) {
                c.receive(out);
            }
        }
        assertThat(client.handshaken()).isTrue();
    }

    /**
     * Through the server's task executor (how one turn's tasks are batched is HandshakeTasksTest's:
     * here each testkit receive is a turn of its own).
     */
    @Test
    void handshakesThroughTheLoopsHandshakeTasksRunTheirTasksOffTheLoopAndFinish() throws Exception {
        List<Runnable> pool = new ArrayList<>();
        HandshakeTasks batch = new HandshakeTasks(tester.loop(), pool::add, 1);
        TestConnection first = serve(batch, List.of());
        TestConnection second = serve(batch, List.of());
        InMemoryTlsClient a = client("TLSv1.3");
        InMemoryTlsClient b = client("TLSv1.3");
        first.receive(a.output());
        second.receive(b.output());
        tester.runPending();
        assertThat(pool).as("one job per turn").hasSize(2);
        assertThat(first.takeOutput()).as("waiting for the task, not polling").isEmpty();
        assertThat(tester.loop().pendingTasks()).isZero();
        Thread runner = Thread.ofPlatform().start(() -> pool.forEach(Runnable::run));
        runner.join();
        pool.clear();
        assertThat(tester.loop().pendingTasks()).as("each job resumes through the loop's queue").isEqualTo(2);
        tester.runPending();
        a.input(first.takeOutput());
        b.input(second.takeOutput());
        for (int i = 0; i < 20 && events.size() < 2; i++) {
            first.receive(a.output());
            second.receive(b.output());
            tester.runPending();
            a.input(first.takeOutput());
            b.input(second.takeOutput());
        }
        assertThat(a.handshaken() && b.handshaken()).isTrue();
        assertThat(events).containsExactly("done TLSv1.3", "done TLSv1.3");
        assertThat(pool).isEmpty();
    }

    @Test
    void smallWritesOfOneFlushShareOneRecordBigOnesSplitAt16KiBAndEveryKindArrivesInOrder() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        InMemoryTlsClient client = client("TLSv1.3");
        handshake(client, c);
        c.receive(client.output("burst".getBytes(StandardCharsets.US_ASCII)));
        byte[] wire = c.takeOutput();
        assertThat(applicationRecords(wire)).isEqualTo(1);
        assertThat(client.input(wire)).hasSize(1000);
        c.receive(client.output("big".getBytes(StandardCharsets.US_ASCII)));
        wire = c.takeOutput();
        assertThat(applicationRecords(wire)).isEqualTo(3); // 16 KiB + 16 KiB + 6,232 bytes
        assertThat(client.input(wire)).hasSize(40_000);
        c.receive(client.output("mixed".getBytes(StandardCharsets.US_ASCII)));
        wire = c.takeOutput();
        assertThat(applicationRecords(wire)).isEqualTo(2); // 16 KiB, then the rest
        assertThat(new String(client.input(wire), StandardCharsets.US_ASCII)).isEqualTo(MIXED);
    }

    @Test
    void recordsArrivingInPiecesAreDecodedOnceWhole() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        InMemoryTlsClient client = client("TLSv1.3");
        handshake(client, c);
        String message = "m".repeat(30_000); // two records, the first over 16 KiB on the wire
        byte[] records = client.output(message.getBytes(StandardCharsets.US_ASCII));
        for (int at = 0; at < records.length; at += 1_000) {
            c.receive(java.util.Arrays.copyOfRange(records, at, Math.min(records.length, at + 1_000)));
        }
        assertThat(new String(client.input(c.takeOutput()), StandardCharsets.US_ASCII)).isEqualTo(message);
    }

    @Test
    void closeSendsCloseNotify() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        InMemoryTlsClient client = client("TLSv1.3");
        handshake(client, c);
        c.receive(client.output("bye".getBytes(StandardCharsets.US_ASCII)));
        client.input(c.takeOutput());
        assertThat(client.engine.isInboundDone()).as("client read close_notify").isTrue();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void aPeersCloseNotifyClosesTheConnectionWithOurs() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        InMemoryTlsClient client = client("TLSv1.2");
        handshake(client, c);
        client.engine.closeOutbound();
        c.receive(client.output());
        assertThat(c.isOpen()).isFalse();
        client.input(c.takeOutput());
        assertThat(client.engine.isInboundDone()).isTrue();
    }

    @Test
    void tls12RenegotiationIsRefused() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        InMemoryTlsClient client = client("TLSv1.2");
        handshake(client, c);
        client.engine.beginHandshake();
        c.receive(client.output());
        tester.runPending();
        assertThat(c.isOpen()).isFalse();
        assertThat(events).contains("failed renegotiation");
    }

    @Test
    void plaintextHttpOnATlsPortGetsA400AndAClose() {
        TestConnection c = serve(Runnable::run, List.of("http/1.1"));
        c.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.takeOutputString()).startsWith("HTTP/1.1 400 Bad Request\r\n").endsWith("use https:// here.\r\n");
        assertThat(c.isOpen()).isFalse();
        assertThat(events).containsExactly("failed plaintext");
    }

    @Test
    void plaintextOnANonHttpTlsPortIsClosedSilently() {
        TestConnection c = serve(Runnable::run, List.of());
        c.receive("hello\n");
        assertThat(c.takeOutput()).isEmpty();
        assertThat(c.isOpen()).isFalse();
        assertThat(events).containsExactly("failed plaintext");
    }

    @Test
    void aHandshakeThatDoesNotFinishInTimeIsAborted() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        byte[] hello = client("TLSv1.3").output();
        c.receive(java.util.Arrays.copyOf(hello, 10)); // a trickle: part of a ClientHello
        tester.advance(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT.minusMillis(1));
        assertThat(c.isOpen()).isTrue();
        tester.advance(java.time.Duration.ofMillis(1));
        assertThat(c.isOpen()).isFalse();
        assertThat(events).containsExactly("failed timeout");
        assertThat(gate.running()).isZero();
    }

    @Test
    void handshakesPastTheLoopsBoundWaitForASlot() throws Exception {
        gate = new HandshakeGate(1);
        TestConnection first = serve(Runnable::run, List.of());
        TestConnection second = serve(Runnable::run, List.of());
        InMemoryTlsClient a = client("TLSv1.3");
        InMemoryTlsClient b = client("TLSv1.3");
        first.receive(a.output());
        byte[] hello = b.output();
        second.receive(java.util.Arrays.copyOf(hello, 10)); // enough to ask for a slot
        second.receive(java.util.Arrays.copyOfRange(hello, 10, hello.length));
        byte[] firstFlight = first.takeOutput();
        assertThat(firstFlight).isNotEmpty();
        a.input(firstFlight);
        assertThat(second.takeOutput()).as("second waits for the gate").isEmpty();
        assertThat(second.unreadBytes()).as("and reads nothing meanwhile").isEqualTo(hello.length - 10);
        assertThat(second.isReadingPaused()).as("the handler's own pause is left alone").isFalse();
        assertThat(gate.waiting()).isEqualTo(1);
        handshake(a, first);
        tester.runPending();
        assertThat(second.takeOutput()).as("second admitted once the first finished").isNotEmpty();
        assertThat(second.isReadingPaused()).isFalse();
        assertThat(gate.running()).isEqualTo(1);
    }

    @Test
    void aBrokenHandshakeIsCountedByReason() throws Exception {
        TestConnection c = serve(Runnable::run, List.of());
        // A client that trusts nothing of ours rejects the certificate and sends an alert.
        InMemoryTlsClient client = new InMemoryTlsClient(SniKeyManagerTest.client(List.of(TestCertificates.rsa("other.test")),
                "layer.test", "TLSv1.3", new String[0]));
        boolean refused = false;
        for (int i = 0; i < 10 && !refused; i++) {
            try {
                byte[] out = client.output();
                if (out.length > 0) {
                    c.receive(out);
                }
                tester.runPending();
                client.input(c.takeOutput());
            } catch (javax.net.ssl.SSLException expected) {
                refused = true; // the client refuses our certificate (reported by its next wrap or unwrap)
            }
        }
        assertThat(refused).isTrue();
        c.receive(alertFrom(client.engine));
        tester.runPending();
        assertThat(c.isOpen()).isFalse();
        assertThat(events).containsExactly("failed bad_certificate");
    }

    /** The fatal alert a failed engine sends (the JDK rethrows the failure once before it wraps it). */
    static byte[] alertFrom(javax.net.ssl.SSLEngine engine) {
        java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < 3 && !engine.isOutboundDone(); i++) {
            try {
                engine.wrap(java.nio.ByteBuffer.allocate(0), dst);
            } catch (javax.net.ssl.SSLException rethrown) {
                // try again: the alert comes after
            }
        }
        return java.util.Arrays.copyOf(dst.array(), dst.position());
    }

    /** Counts TLS application-data records (content type 23) in {@code wire}. */
    static int applicationRecords(byte[] wire) {
        int n = 0;
        for (int i = 0; i + 5 <= wire.length; i += 5 + ((wire[i + 3] & 0xff) << 8 | wire[i + 4] & 0xff)) {
            if (wire[i] == 23) {
                n++;
            }
        }
        return n;
    }

}
