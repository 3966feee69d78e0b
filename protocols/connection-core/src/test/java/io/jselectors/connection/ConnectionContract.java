package io.jselectors.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Connection} contract, written once and run against every implementation: the
 * server's socket connection on each transport, the testkit's, and each of them under a {@link
 * Layer}. An implementation is a few lines: a {@link Harness} that accepts a connection for a
 * given handler and plays the peer. Handlers are {@link ScriptedHandler}s; they run on the
 * connection's loop, so results are awaited (eventual outcomes only, no upper bound on time but the
 * generous {@link #PATIENCE} for a hung test).
 */
public abstract class ConnectionContract {

    /** How long a step may take before the test fails as hung: generous for a loaded CI machine. */
    static final long PATIENCE_SECONDS = 20;
    static final long PATIENCE = TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);

    /** One implementation under test. */
    public interface Harness extends AutoCloseable {
        /** Accepts a connection served by {@code handler} and returns its peer. */
        Peer connect(ProtocolHandler handler) throws Exception;

        /** Runs {@code task} on {@code connection}'s loop, as a task, and returns after it ran. */
        void run(Connection connection, Runnable task) throws Exception;

        /** Lets the implementation make progress while the test waits (the testkit runs its loop). */
        default void drive() {}
    }

    /** The other end of a connection. */
    public interface Peer extends AutoCloseable {
        void send(byte[] bytes) throws IOException;

        /** Reads exactly {@code n} bytes. */
        byte[] read(int n) throws IOException;

        /** Reads until the connection ends (EOF or reset) and returns what came before. */
        byte[] readToEnd() throws IOException;

        /** Half-closes: the connection reads EOF. */
        void shutdownOutput() throws IOException;

        /** Closes with RST. */
        void reset() throws IOException;
    }

    /** A new harness for one test. */
    protected abstract Harness newHarness() throws Exception;

    /** Whether the connections run under the test {@link XorLayer}. */
    protected boolean layered() {
        return false;
    }

    /**
     * Whether the connections run under the server's TLS layer (the harness sets it up and its
     * peer speaks TLS). A few cases are layer-specific there; each says why where it is skipped.
     */
    protected boolean overTls() {
        return false;
    }

    /**
     * Skips a case that does not hold under TLS, printing why in the build log (Surefire counts a
     * skip but does not show its reason); the suite states each such case where it is skipped.
     */
    protected void assumeNotTls(String why) {
        if (overTls()) {
            String test = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst()
                    .map(StackWalker.StackFrame::getMethodName).orElse("?"));
            System.out.println("[SKIPPED] " + getClass().getSimpleName() + "." + test + "(): under TLS: " + why);
        }
        Assumptions.assumeFalse(overTls(), "under TLS: " + why);
    }

    protected Harness harness;
    protected final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    protected void openHarness() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    protected void closeHarness() throws Exception {
        harness.close();
        assertThat(ScriptedHandler.snapshot(events)).noneMatch(e -> e.contains("REENTERED"));
    }

    // ---------------------------------------------------------------- helpers

    protected ScriptedHandler handler(String name) {
        return new ScriptedHandler(name, events);
    }

    /** Connects {@code handler} (under the XOR layer if {@link #layered()}). */
    protected Peer connect(ScriptedHandler handler) throws Exception {
        if (!layered()) {
            return harness.connect(handler);
        }
        var script = handler.open;
        handler.open = c -> {
            ((AbstractConnection) c).installLayer(new XorLayer());
            script.accept(c);
        };
        return new XorPeer(harness.connect(handler));
    }

    protected void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE;
        while (true) {
            harness.drive();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("still waiting for " + what + " after " + PATIENCE_SECONDS + " s; events: " + ScriptedHandler.snapshot(events));
            }
            Thread.sleep(1);
        }
    }

    protected void awaitEvent(String event) throws InterruptedException {
        await(event, () -> ScriptedHandler.snapshot(events).contains(event));
    }

    protected static ByteBuf ascii(Connection c, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return c.alloc().directBuffer(bytes.length).writeBytes(bytes);
    }

    protected static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void echo(Connection c, ByteBuf data) {
        c.write(data);
    }

    // ---------------------------------------------------------------- writing

    @Test
    void writesArriveInOrder() throws Exception {
        ScriptedHandler h = handler("h");
        int count = 2000;
        h.open = c -> {
            for (int i = 0; i < count; i++) {
                c.write(c.alloc().directBuffer(4).writeInt(i));
            }
            c.flush();
        };
        try (Peer peer = connect(h)) {
            byte[] bytes = peer.read(4 * count);
            for (int i = 0; i < count; i++) {
                int value = ((bytes[4 * i] & 0xff) << 24) | ((bytes[4 * i + 1] & 0xff) << 16)
                        | ((bytes[4 * i + 2] & 0xff) << 8) | (bytes[4 * i + 3] & 0xff);
                assertThat(value).as("int number %d", i).isEqualTo(i);
            }
        }
    }

    @Test
    void writesInAReadAreFlushedAtTheEndOfTheReadBatch() throws Exception {
        ScriptedHandler h = handler("h");
        h.read = ConnectionContract::echo; // no flush: the connection flushes after the batch
        try (Peer peer = connect(h)) {
            peer.send("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(ascii(peer.read(5))).isEqualTo("hello");
        }
    }

    @Test
    void writtenBytesArePendingUntilFlushed() throws Exception {
        ScriptedHandler h = handler("h");
        AtomicReference<Long> pending = new AtomicReference<>();
        h.open = c -> {
            c.write(ascii(c, "0123456789"));
            pending.set(c.pendingWriteBytes());
            c.flush();
        };
        try (Peer peer = connect(h)) {
            assertThat(ascii(peer.read(10))).isEqualTo("0123456789");
            await("the open callback", () -> pending.get() != null);
            assertThat(pending.get()).as("10 bytes in one entry").isEqualTo(10 + ConnectionLimits.ENTRY_OVERHEAD);
            harness.run(h.connection(), () -> pending.set(h.connection().pendingWriteBytes()));
            assertThat(pending.get()).isZero();
        }
    }

    // ---------------------------------------------------------------- water marks

    @Test
    void writabilityTurnsAboveTheHighMarkAndBackBelowTheLowOneAfterTheCallback() throws Exception {
        ScriptedHandler h = handler("h");
        int chunk = 16 * 1024;
        List<Integer> writesUntilUnwritable = new ArrayList<>();
        h.open = c -> {
            int writes = 0;
            while (c.isWritable()) {
                c.write(c.alloc().directBuffer(chunk).writeZero(chunk));
                writes++;
            }
            writesUntilUnwritable.add(writes);
            events.add("h:wrote " + c.pendingWriteBytes());
        };
        try (Peer peer = connect(h)) {
            await("the open callback", () -> !writesUntilUnwritable.isEmpty());
            // Each write costs 16 KiB plus the entry overhead: the fourth one passes 64 KiB.
            assertThat(writesUntilUnwritable.getFirst())
                    .isEqualTo(ConnectionLimits.DEFAULT_HIGH_WATER / (chunk + ConnectionLimits.ENTRY_OVERHEAD) + 1);
            awaitEvent("h:writable false");
            harness.run(h.connection(), () -> h.connection().flush());
            peer.read(writesUntilUnwritable.getFirst() * chunk);
            awaitEvent("h:writable true");
            List<String> seen = ScriptedHandler.snapshot(events);
            assertThat(seen.indexOf("h:/open")).isLessThan(seen.indexOf("h:writable false"));
            assertThat(seen.indexOf("h:writable false")).isLessThan(seen.indexOf("h:writable true"));
        }
    }

    @Test
    void manyTinyWritesCountTheirEntriesAndTurnNotWritableLongBeforeTheirBytesWould() throws Exception {
        ScriptedHandler h = handler("h");
        List<Integer> writesUntilUnwritable = new ArrayList<>();
        h.open = c -> {
            int writes = 0;
            while (c.isWritable() && writes <= ConnectionLimits.DEFAULT_HIGH_WATER) {
                c.write(c.alloc().directBuffer(1).writeByte('x'));
                writes++;
            }
            writesUntilUnwritable.add(writes);
        };
        try (Peer peer = connect(h)) {
            await("the open callback", () -> !writesUntilUnwritable.isEmpty());
            int expected = ConnectionLimits.DEFAULT_HIGH_WATER / (1 + ConnectionLimits.ENTRY_OVERHEAD) + 1;
            assertThat(writesUntilUnwritable.getFirst())
                    .as("one-byte writes cost their entry: not writable after about 1,000 of them, not 65,537")
                    .isEqualTo(expected);
            awaitEvent("h:writable false");
            harness.run(h.connection(), () -> h.connection().flush());
            assertThat(ascii(peer.read(expected))).isEqualTo("x".repeat(expected));
            awaitEvent("h:writable true");
            harness.run(h.connection(), () -> events.add("h:pending " + h.connection().pendingWriteBytes()));
            awaitEvent("h:pending 0");
        }
    }

    @Test
    void crossingBothMarksInOneCallbackIsTwoNotificationsInOrder() throws Exception {
        ScriptedHandler h = handler("h");
        int bytes = ConnectionLimits.DEFAULT_HIGH_WATER + 1;
        h.read = (c, data) -> {
            data.release();
            c.write(c.alloc().directBuffer(bytes).writeZero(bytes)); // above the high mark
            c.flush(); // a peer that reads drains it below the low one at once
        };
        try (Peer peer = connect(h)) {
            peer.send(new byte[] {1});
            peer.read(bytes);
            awaitEvent("h:writable true");
            List<String> seen = ScriptedHandler.snapshot(events);
            assertThat(seen).containsSubsequence("h:/read", "h:writable false", "h:writable true");
        }
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closeSendsWhatIsQueuedThenCloses() throws Exception {
        ScriptedHandler h = handler("h");
        int size = 256 * 1024;
        h.open = c -> {
            for (int i = 0; i < size / 1024; i++) {
                c.write(c.alloc().directBuffer(1024).writeZero(1024));
            }
            c.close();
            events.add("h:open after close, open=" + c.isOpen());
        };
        try (Peer peer = connect(h)) {
            assertThat(peer.readToEnd()).hasSize(size);
            awaitEvent("h:close null");
        }
    }

    @Test
    void abortDiscardsTheQueueAndReleasesIt() throws Exception {
        ScriptedHandler h = handler("h");
        AtomicReference<ByteBuf> queued = new AtomicReference<>();
        try (Peer peer = connect(h)) {
            awaitEvent("h:/open");
            harness.run(h.connection(), () -> {
                Connection c = h.connection();
                ByteBuf buf = ascii(c, "never sent");
                queued.set(buf);
                c.write(buf); // not flushed
                c.abort();
                events.add("h:aborted, open=" + c.isOpen());
                events.add("h:/aborted"); // onClose must not have run inside the task
            });
            assertThat(queued.get().refCnt()).as("the queued buffer is released").isZero();
            assertThat(peer.readToEnd()).isEmpty();
            awaitEvent("h:close null");
            assertThat(ScriptedHandler.snapshot(events)).containsSubsequence("h:aborted, open=false", "h:/aborted", "h:close null");
        }
    }

    @Test
    void writesAfterCloseAreReleasedAndDropped() throws Exception {
        ScriptedHandler h = handler("h");
        AtomicReference<ByteBuf> late = new AtomicReference<>();
        h.read = (c, data) -> {
            data.release();
            c.write(ascii(c, "last"));
            c.close();
            ByteBuf buf = ascii(c, "dropped");
            late.set(buf);
            c.write(buf);
        };
        try (Peer peer = connect(h)) {
            peer.send(new byte[] {1});
            assertThat(ascii(peer.readToEnd())).isEqualTo("last");
            awaitEvent("h:close null");
            assertThat(late.get().refCnt()).isZero();
        }
    }

    @Test
    void closeAndAbortInsideACallbackTellOnCloseAfterIt() throws Exception {
        ScriptedHandler closing = handler("c");
        closing.read = (c, data) -> {
            data.release();
            c.close();
            c.abort();
            c.close();
            events.add("c:still in read, open=" + c.isOpen());
        };
        try (Peer peer = connect(closing)) {
            peer.send(new byte[] {1});
            awaitEvent("c:close null");
            assertThat(ScriptedHandler.snapshot(events))
                    .containsSubsequence("c:still in read, open=false", "c:/read", "c:close null")
                    .filteredOn(e -> e.startsWith("c:close")).hasSize(1);
        }
    }

    @Test
    void aHandlerExceptionClosesTheConnectionWithThatCause() throws Exception {
        ScriptedHandler h = handler("h");
        h.read = (c, data) -> {
            data.release();
            throw new IllegalStateException("boom (expected by this test)");
        };
        try (Peer peer = connect(h)) {
            peer.send(new byte[] {1});
            awaitEvent("h:close IllegalStateException");
            peer.readToEnd();
        }
    }

    @Test
    void aPeerResetClosesWithAnIoError() throws Exception {
        ScriptedHandler h = handler("h");
        try (Peer peer = connect(h)) {
            awaitEvent("h:/open");
            peer.reset();
            await("onClose with an I/O error", () -> ScriptedHandler.snapshot(events).stream()
                    .anyMatch(e -> e.startsWith("h:close ") && !e.equals("h:close null")));
        }
    }

    // ---------------------------------------------------------------- reading

    @Test
    void pausedReadingDeliversNothingUntilResumed() throws Exception {
        ScriptedHandler h = handler("h");
        h.open = Connection::pauseReading;
        try (Peer peer = connect(h)) {
            awaitEvent("h:/open");
            peer.send("abc".getBytes(StandardCharsets.US_ASCII));
            harness.run(h.connection(), () -> {
                events.add("h:paused=" + h.connection().isReadingPaused());
                h.connection().resumeReading();
            });
            awaitEvent("h:read abc");
            assertThat(ScriptedHandler.snapshot(events)).containsSubsequence("h:paused=true", "h:read abc");
        }
    }

    @Test
    void endOfInputIsToldAndTheConnectionCanStillAnswer() throws Exception {
        ScriptedHandler h = handler("h");
        h.read = ConnectionContract::echo;
        h.inputClosed = c -> {
            c.write(ascii(c, "bye"));
            c.close();
        };
        try (Peer peer = connect(h)) {
            peer.send("x".getBytes(StandardCharsets.US_ASCII));
            assertThat(ascii(peer.read(1))).isEqualTo("x");
            peer.shutdownOutput();
            assertThat(ascii(peer.readToEnd())).isEqualTo("bye");
            awaitEvent("h:close null");
            assertThat(ScriptedHandler.snapshot(events)).containsSubsequence("h:inputClosed", "h:close null");
        }
    }

    @Test
    void eofWaitsWhileReadingIsPaused() throws Exception {
        ScriptedHandler h = handler("h");
        h.open = Connection::pauseReading;
        try (Peer peer = connect(h)) {
            awaitEvent("h:/open");
            peer.send("z".getBytes(StandardCharsets.US_ASCII));
            peer.shutdownOutput();
            harness.run(h.connection(), () -> {
                events.add("h:resuming");
                h.connection().resumeReading();
            });
            awaitEvent("h:inputClosed");
            assertThat(ScriptedHandler.snapshot(events)).containsSubsequence("h:resuming", "h:read z", "h:inputClosed");
        }
    }

    @Test
    void usingTheConnectionFromAnotherThreadIsRefusedAndReleases() throws Exception {
        ScriptedHandler h = handler("h");
        try (Peer peer = connect(h)) {
            awaitEvent("h:/open");
            Connection c = h.connection();
            ByteBuf buf = c.alloc().directBuffer(1).writeByte(1);
            Thread other = new Thread(() -> {
                assertThatThrownBy(() -> c.write(buf)).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(c::flush).isInstanceOf(IllegalStateException.class);
            });
            other.start();
            other.join();
            assertThat(buf.refCnt()).isZero();
        }
    }

    // ---------------------------------------------------------------- file regions

    @TempDir
    protected Path files;

    private Path file(int size) throws IOException {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return Files.write(files.resolve("file-" + size), bytes);
    }

    private static void sendFile(Connection c, Path path, long position, long length) {
        try {
            c.sendFile(path, position, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFileRangeIsSentInOrderBetweenWrites() throws Exception {
        Path path = file(300_000);
        ScriptedHandler h = handler("h");
        h.open = c -> {
            c.write(ascii(c, "head"));
            sendFile(c, path, 7, 250_000);
            c.write(ascii(c, "tail"));
            c.flush();
        };
        try (Peer peer = connect(h)) {
            assertThat(ascii(peer.read(4))).isEqualTo("head");
            assertThat(peer.read(250_000)).isEqualTo(Arrays.copyOfRange(Files.readAllBytes(path), 7, 250_007));
            assertThat(ascii(peer.read(4))).isEqualTo("tail");
        }
    }

    @Test
    void filesAndTheWritesAroundThemStayInOrderUpToTheClose() throws Exception {
        // Sent from onRead, so under TLS after the handshake: a layer that numbers its records
        // must encode the writes after a file only once the file has been encoded.
        Path path = file(200_000);
        byte[] content = Files.readAllBytes(path);
        ScriptedHandler h = handler("h");
        AtomicBoolean sent = new AtomicBoolean();
        h.read = (c, buf) -> {
            buf.release();
            if (sent.getAndSet(true)) {
                return; // "go" split over two reads
            }
            c.write(ascii(c, "head"));
            sendFile(c, path, 0, 200_000);
            c.write(ascii(c, "mid"));
            sendFile(c, path, 100, 70_000);
            c.write(ascii(c, "end"));
            c.close();
        };
        try (Peer peer = connect(h)) {
            peer.send("go".getBytes(StandardCharsets.US_ASCII));
            byte[] got = peer.readToEnd();
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            want.writeBytes("head".getBytes(StandardCharsets.US_ASCII));
            want.writeBytes(content);
            want.writeBytes("mid".getBytes(StandardCharsets.US_ASCII));
            want.writeBytes(Arrays.copyOfRange(content, 100, 70_100));
            want.writeBytes("end".getBytes(StandardCharsets.US_ASCII));
            assertThat(got).isEqualTo(want.toByteArray());
            awaitEvent("h:close null");
        }
    }

    /**
     * A file large enough that a peer reading nothing holds most of it in the queue: the socket
     * takes a few MiB (the send buffer and the peer's unread window), not 16.
     */
    private static final int QUEUED_FILE = 16 << 20;
    /** More pending than this: the file has unread bytes (at most one chunk is read ahead). */
    private static final long FILE_STILL_QUEUED = 4L * FileRegion.CHUNK;

    /**
     * A handler that sends {@code path} ({@link #QUEUED_FILE} bytes) when it reads "go", and when it
     * reads {@code trigger} records whether the file is still queued, then runs {@code then}.
     */
    private ScriptedHandler queuesTheFileOnGo(Path path, String trigger, java.util.function.Consumer<Connection> then) {
        ScriptedHandler h = handler("h");
        h.read = (c, buf) -> {
            String text = buf.toString(StandardCharsets.US_ASCII);
            buf.release();
            if (text.contains("go")) {
                sendFile(c, path, 0, QUEUED_FILE);
                c.flush();
            }
            if (text.contains(trigger)) {
                events.add("h:file still queued " + (c.pendingWriteBytes() > FILE_STILL_QUEUED));
                then.accept(c);
            }
        };
        return h;
    }

    @Test
    void aWriteMadeWhileAFileIsStillQueuedGoesAfterTheFile() throws Exception {
        // A file is read (and encoded by a layer) a chunk at a time as the socket takes it: a later
        // write must go after its last chunk, and a layer that numbers its records (TLS) must
        // encode the write after that chunk too, not when the write is made.
        Path path = file(QUEUED_FILE);
        byte[] content = Files.readAllBytes(path);
        ScriptedHandler h = queuesTheFileOnGo(path, "more", c -> {
            c.write(ascii(c, "after"));
            c.flush();
        });
        try (Peer peer = connect(h)) {
            peer.send("go".getBytes(StandardCharsets.US_ASCII));
            byte[] first = peer.read(1); // the file is on its way: "more" comes in a read of its own
            peer.send("more".getBytes(StandardCharsets.US_ASCII));
            awaitEvent("h:file still queued true");
            byte[] rest = peer.read(QUEUED_FILE - 1 + 5);
            assertThat(first[0]).isEqualTo(content[0]);
            assertThat(Arrays.copyOfRange(rest, 0, QUEUED_FILE - 1)).isEqualTo(Arrays.copyOfRange(content, 1, QUEUED_FILE));
            assertThat(ascii(Arrays.copyOfRange(rest, QUEUED_FILE - 1, rest.length))).isEqualTo("after");
        }
    }

    @Test
    void bytesALayerMakesOnItsOwnDuringAFileGoBeforeTheFilesRest() throws Exception {
        assumeNotTls("the case puts its own layer (EpochLayer) under the connection; the TLS layer's"
                + " KeyUpdate answer takes the same path");
        // TLS 1.3 answers a peer's KeyUpdate on its own and encodes what follows with new keys: the
        // answer must go out after the file chunks encoded before it and before those encoded after.
        Path path = file(QUEUED_FILE);
        byte[] content = Files.readAllBytes(path);
        ScriptedHandler h = queuesTheFileOnGo(path, "K", c -> {});
        h.open = c -> ((AbstractConnection) c).installLayer(new EpochLayer());
        try (Peer peer = harness.connect(h)) {
            peer.send("go".getBytes(StandardCharsets.US_ASCII));
            byte[] firstHeader = peer.read(EpochLayer.HEADER); // the file is on its way
            peer.send("K".getBytes(StandardCharsets.US_ASCII));
            awaitEvent("h:file still queued true");
            int firstLength = java.nio.ByteBuffer.wrap(firstHeader, 2, 4).getInt();
            byte[] first = peer.read(firstLength);
            byte[] rest = EpochLayer.unframe(peer, QUEUED_FILE - firstLength);
            assertThat(firstHeader[1]).as("the first chunk's epoch").isZero();
            assertThat(Arrays.copyOfRange(content, 0, firstLength)).isEqualTo(first);
            assertThat(rest).isEqualTo(Arrays.copyOfRange(content, firstLength, QUEUED_FILE));
        }
    }

    @Test
    void aQueuedFileCountsAsPendingAndTheConnectionClosesAfterIt() throws Exception {
        Path path = file(1 << 20);
        ScriptedHandler h = handler("h");
        AtomicReference<String> state = new AtomicReference<>();
        h.open = c -> {
            sendFile(c, path, 0, 1 << 20);
            state.set(c.pendingWriteBytes() + " writable=" + c.isWritable());
            c.close();
        };
        try (Peer peer = connect(h)) {
            assertThat(peer.readToEnd()).isEqualTo(Files.readAllBytes(path));
            awaitEvent("h:close null");
            assertThat(state.get()).as("the file's bytes plus one entry")
                    .isEqualTo(((1 << 20) + ConnectionLimits.ENTRY_OVERHEAD) + " writable=false");
        }
    }

    @Test
    void aFileShorterThanItsRangeAbortsTheConnection() throws Exception {
        Path path = file(10_000);
        ScriptedHandler h = handler("h");
        h.open = c -> {
            sendFile(c, path, 0, 20_000);
            c.flush();
        };
        try (Peer peer = connect(h)) {
            assertThat(peer.readToEnd().length).isLessThanOrEqualTo(10_000);
            await("onClose with an I/O error", () -> ScriptedHandler.snapshot(events).stream()
                    .anyMatch(e -> e.startsWith("h:close ") && !e.equals("h:close null")));
        }
    }

    @Test
    void aFileThatCannotBeOpenedIsAnErrorAndQueuesNothing() throws Exception {
        ScriptedHandler h = handler("h");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        h.open = c -> {
            try {
                c.sendFile(files.resolve("missing"), 0, 10);
            } catch (IOException e) {
                thrown.set(e);
            }
            events.add("h:pending " + c.pendingWriteBytes());
        };
        try (Peer peer = connect(h)) {
            awaitEvent("h:pending 0");
            assertThat(thrown.get()).isInstanceOf(IOException.class);
        }
    }

    // ---------------------------------------------------------------- switching handlers

    @Test
    void aHandlerCanHandTheConnectionOverWithItsUnreadBytes() throws Exception {
        ScriptedHandler next = handler("b");
        next.open = c -> events.add("b:writable=" + c.isWritable());
        next.read = ConnectionContract::echo;
        ScriptedHandler first = handler("a");
        StringBuilder seen = new StringBuilder();
        first.read = (c, data) -> {
            seen.append(data.toString(StandardCharsets.US_ASCII));
            int newline = seen.indexOf("\n");
            if (newline < 0) {
                data.release();
                return;
            }
            byte[] rest = seen.substring(newline + 1).getBytes(StandardCharsets.US_ASCII);
            data.release();
            c.write(ascii(c, "OK\n"));
            c.switchHandler(next, c.alloc().directBuffer(rest.length).writeBytes(rest));
            events.add("a:switched");
        };
        try (Peer peer = connect(first)) {
            peer.send("UPGRADE\nhello".getBytes(StandardCharsets.US_ASCII));
            assertThat(ascii(peer.read(8))).isEqualTo("OK\nhello");
            peer.send("more".getBytes(StandardCharsets.US_ASCII));
            assertThat(ascii(peer.read(4))).isEqualTo("more");
            harness.run(next.connection(), () -> next.connection().close());
            awaitEvent("b:close null");
            List<String> all = ScriptedHandler.snapshot(events);
            assertThat(all).containsSubsequence("a:switched", "a:/read", "b:open", "b:writable=true", "b:read hello", "b:read more");
            assertThat(all).noneMatch(e -> e.startsWith("a:close"));
            assertThat(next.connection()).isSameAs(first.connection());
        }
    }

    @Test
    void unreadBytesOfASwitchAreReleasedWhenTheConnectionClosesFirst() throws Exception {
        ScriptedHandler next = handler("b");
        ScriptedHandler first = handler("a");
        AtomicReference<ByteBuf> handedOver = new AtomicReference<>();
        first.read = (c, data) -> {
            handedOver.set(data);
            c.switchHandler(next, data);
            c.abort();
        };
        try (Peer peer = connect(first)) {
            peer.send("x".getBytes(StandardCharsets.US_ASCII));
            await("the switch", () -> handedOver.get() != null);
            peer.readToEnd();
            await("the release", () -> handedOver.get().refCnt() == 0);
            assertThat(ScriptedHandler.snapshot(events)).noneMatch(e -> e.startsWith("b:"));
        }
    }
}
