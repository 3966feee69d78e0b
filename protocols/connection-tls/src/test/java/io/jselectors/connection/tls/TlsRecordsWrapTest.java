package io.jselectors.connection.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.Layer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a flush of held writes sends: a lone write in a pooled buffer nobody else holds becomes
 * its own record's buffer (no output buffer per echo); anything shared, wrapped or larger takes
 * the general path and is never overwritten. Checked against a real client engine after a real
 * handshake, so every record sent must decrypt to what was written.
 */
class TlsRecordsWrapTest {

    private static final ByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;

    private SSLEngine client;
    private SSLEngine server;
    private TlsRecords records;
    private final List<ByteBuf> sent = new ArrayList<>();
    private final List<ByteBuf> delivered = new ArrayList<>();
    private final Layer.Sink sink = new Layer.Sink() {
        @Override
        public void deliver(ByteBuf plain) {
            delivered.add(plain);
        }

        @Override
        public void send(ByteBuf wire) {
            sent.add(wire);
        }
    };

    private ResourceLeakDetector.Level leakLevel;

    @BeforeEach
    void handshake() throws Exception {
        // A buffer picked for leak tracking is a wrapper, which the in-place path leaves alone (it
        // cannot tell it from a view); this suite runs paranoid, so the buffers here are not tracked.
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        KeyStore.PrivateKeyEntry entry = DevelopmentCertificate.generate(List.of("localhost"), Instant.now());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", entry.getPrivateKey(), new char[0], entry.getCertificateChain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        server = TlsEngines.newServerEngine(serverContext, List.of());
        client = TlsEngines.clientTrusting(entry.getCertificate()).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        shake(client, server);
        records = new TlsRecords(server, POOLED);
    }

    @AfterEach
    void release() {
        ResourceLeakDetector.setLevel(leakLevel);
        records.release();
        sent.forEach(ByteBuf::release);
        delivered.forEach(ByteBuf::release);
    }

    @Test
    void anEchoedRecordIsSentInTheBufferItsPlaintextCameIn() throws Exception {
        byte[] message = bytes(64, 1);
        records.append(fromClient(message));
        assertThat(records.unwrap(sink).getStatus()).isEqualTo(SSLEngineResult.Status.OK);
        assertThat(delivered).hasSize(1);
        ByteBuf plain = delivered.remove(0);
        assertThat(ByteBufUtil.getBytes(plain)).isEqualTo(message);

        records.hold(plain); // the echo
        records.wrapHeld(sink);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).as("the write's own buffer carries its record").isSameAs(plain);
        assertThat(toClient(sent)).isEqualTo(message);
        assertThat(records.hasHeld()).isFalse();
    }

    @Test
    void echoesReuseOnePlaintextBufferOnceEachIsSent() throws Exception {
        ByteBuf first = null;
        for (int i = 0; i < 3; i++) {
            byte[] message = bytes(64, 10 + i);
            records.append(fromClient(message));
            records.unwrap(sink);
            ByteBuf plain = delivered.remove(0);
            if (first == null) {
                first = plain;
            }
            assertThat(plain).as("echo %d's plaintext buffer", i).isSameAs(first);
            assertThat(plain.refCnt()).as("the handler's and the thread's").isEqualTo(2);
            records.hold(plain);
            records.wrapHeld(sink);
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0)).isSameAs(first);
            assertThat(toClient(sent)).isEqualTo(message);
            sent.remove(0).release(); // the socket sent it
        }
        // Held elsewhere, the spare is left to its holder and a new one taken.
        records.append(fromClient(bytes(64, 20)));
        records.unwrap(sink);
        ByteBuf kept = delivered.remove(0);
        records.append(fromClient(bytes(64, 21)));
        records.unwrap(sink);
        assertThat(delivered.get(0)).isNotSameAs(kept);
        assertThat(ByteBufUtil.getBytes(kept)).isEqualTo(bytes(64, 20));
        kept.release();
        assertThat(kept.refCnt()).as("freed by its holder").isZero();
        ByteBuf spare = delivered.remove(0);
        spare.release();
        records.release(); // the thread's last TLS connection: the spare goes back too
        assertThat(spare.refCnt()).isZero();
        records = new TlsRecords(server, POOLED);
    }

    @Test
    void aBufferSomeoneElseHoldsIsNotOverwritten() throws Exception {
        byte[] message = bytes(100, 2);
        ByteBuf shared = POOLED.directBuffer(200).writeBytes(message);
        shared.retain(); // a broadcast: another connection holds it too
        records.hold(shared);
        records.wrapHeld(sink);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).isNotSameAs(shared);
        assertThat(shared.refCnt()).as("our reference was given back").isEqualTo(1);
        assertThat(ByteBufUtil.getBytes(shared)).as("the other holder's bytes").isEqualTo(message);
        shared.release();
        assertThat(toClient(sent)).isEqualTo(message);
    }

    @Test
    void aWrappedArrayIsNotOverwritten() throws Exception {
        byte[] constant = bytes(80, 3);
        byte[] copy = constant.clone();
        records.hold(Unpooled.wrappedBuffer(constant));
        records.wrapHeld(sink);

        assertThat(constant).as("a handler's constant greeting").isEqualTo(copy);
        assertThat(toClient(sent)).isEqualTo(copy);
    }

    @Test
    void aViewIsNotOverwritten() throws Exception {
        byte[] message = bytes(120, 4);
        ByteBuf parent = POOLED.directBuffer(400).writeBytes(message).writeBytes(message);
        records.hold(parent.retainedSlice(0, message.length));
        records.wrapHeld(sink);

        assertThat(ByteBufUtil.getBytes(parent, message.length, message.length)).isEqualTo(message);
        parent.release();
        assertThat(toClient(sent)).isEqualTo(message);
    }

    @Test
    void moreThanOneRecordAndSeveralWritesTakeTheGeneralPath() throws Exception {
        byte[] large = bytes(40_000, 5);
        records.hold(POOLED.directBuffer(large.length).writeBytes(large));
        records.wrapHeld(sink);
        assertThat(toClient(sent)).isEqualTo(large);
        sent.forEach(ByteBuf::release);
        sent.clear();

        byte[] a = bytes(30, 6);
        byte[] b = bytes(50, 7);
        records.hold(POOLED.directBuffer(a.length).writeBytes(a));
        records.hold(POOLED.directBuffer(b.length).writeBytes(b));
        records.wrapHeld(sink);
        assertThat(sent).hasSize(1);
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertThat(toClient(sent)).isEqualTo(both);
    }

    @Test
    void aRecordLargerThanItsBufferGoesToAPooledOne() throws Exception {
        byte[] message = bytes(64, 8);
        ByteBuf exact = POOLED.directBuffer(message.length).writeBytes(message); // no room for the record's overhead
        records.hold(exact);
        records.wrapHeld(sink);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).isNotSameAs(exact);
        assertThat(exact.refCnt()).as("released once wrapped").isZero();
        assertThat(toClient(sent)).isEqualTo(message);
    }

    private ByteBuf fromClient(byte[] message) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        assertThat(client.wrap(ByteBuffer.wrap(message), out).getStatus()).isEqualTo(SSLEngineResult.Status.OK);
        out.flip();
        return POOLED.directBuffer(out.remaining()).writeBytes(out);
    }

    /** Everything sent, decrypted by the client. */
    private byte[] toClient(List<ByteBuf> wire) throws Exception {
        ByteBuf all = Unpooled.buffer();
        wire.forEach(w -> all.writeBytes(w, w.readerIndex(), w.readableBytes()));
        ByteBuffer in = all.nioBuffer();
        ByteBuffer plain = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() * 4);
        while (in.hasRemaining()) {
            SSLEngineResult r = client.unwrap(in, plain);
            assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
        }
        plain.flip();
        byte[] got = new byte[plain.remaining()];
        plain.get(got);
        return got;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    /** A handshake in memory, tasks run inline, until neither side has anything to do. */
    private static void shake(SSLEngine c, SSLEngine s) throws Exception {
        c.beginHandshake();
        s.beginHandshake();
        ByteBuffer toServer = ByteBuffer.allocate(c.getSession().getPacketBufferSize() * 4);
        ByteBuffer toClient = ByteBuffer.allocate(s.getSession().getPacketBufferSize() * 4);
        ByteBuffer sink = ByteBuffer.allocate(s.getSession().getApplicationBufferSize() * 4);
        for (int step = 0; step < 100; step++) {
            boolean moved = step(c, toClient, toServer, sink) | step(s, toServer, toClient, sink);
            if (!moved && notHandshaking(c) && notHandshaking(s)) {
                return;
            }
        }
        throw new AssertionError("the handshake did not finish in 100 steps");
    }

    private static boolean notHandshaking(SSLEngine e) {
        HandshakeStatus hs = e.getHandshakeStatus();
        return hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED;
    }

    /** One engine's turn: tasks, wraps into {@code out}, unwraps from {@code in}; whether anything moved. */
    private static boolean step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer plain) throws Exception {
        boolean moved = false;
        while (true) {
            HandshakeStatus hs = e.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = e.getDelegatedTask()) != null) {
                    task.run();
                }
                moved = true;
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), out);
                moved |= r.bytesProduced() > 0;
                if (r.bytesProduced() == 0) {
                    return moved;
                }
            } else if (hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                in.flip();
                SSLEngineResult r = e.unwrap(in, plain);
                in.compact();
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && r.getHandshakeStatus() == hs) {
                    return moved;
                }
                moved = true;
            } else {
                // Done on this side; TLS 1.3 session tickets may still wait to be read by the client.
                if (in.position() > 0) {
                    in.flip();
                    SSLEngineResult r = e.unwrap(in, plain);
                    in.compact();
                    moved |= r.bytesConsumed() > 0;
                }
                return moved;
            }
        }
    }
}
