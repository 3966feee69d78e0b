package io.jselectors.protocol.testkit;

import static io.jselectors.connection.ConnectionLimits.ENTRY_OVERHEAD;
import static io.jselectors.protocol.testkit.TestConnection.HIGH_WATER_MARK;
import static io.jselectors.protocol.testkit.TestConnection.LOW_WATER_MARK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestConnectionTest {

    private final ProbeHandler probe = new ProbeHandler();
    private final ProtocolTester tester = ProtocolTester.builder("probe", listener -> probe).build();

    @AfterEach
    void closeTester() {
        tester.close();
    }

    private static void echo(Connection c, ByteBuf data) {
        c.write(data);
    }

    /** Writes {@code size} bytes of 'x' without flushing. */
    private static void writeBytes(Connection c, int size) {
        c.write(c.alloc().directBuffer(size).writeZero(size));
    }

    @Test
    void connectOpensAndReadsArriveInOrderAsOneBufferPerReceive() {
        TestConnection c = tester.connect();
        c.receive("one").receive("two");
        assertThat(probe.events).containsExactly("open", "read one", "read two");
    }

    @Test
    void readBuffersArePooledAndDirect() {
        List<String> kinds = new ArrayList<>();
        probe.onRead = (c, data) -> {
            kinds.add(data.isDirect() + " " + data.alloc().getClass().getSimpleName());
            data.release();
        };
        tester.connect().receive("x");
        assertThat(kinds).containsExactly("true PooledByteBufAllocator");
    }

    @Test
    void dataWrittenDuringAReadIsFlushedAtTheEndOfTheReadBatch() {
        probe.onRead = TestConnectionTest::echo;
        TestConnection c = tester.connect().receive("ping");
        assertThat(c.takeOutputString()).isEqualTo("ping");
        assertThat(c.pendingWriteBytes()).isZero();
    }

    @Test
    void dataWrittenOutsideAReadIsNotSentUntilFlushed() {
        TestConnection c = tester.connect();
        c.loop().schedule(() -> c.write(ByteBufUtil.writeAscii(c.alloc(), "tick")), 1, TimeUnit.SECONDS);
        tester.advance(Duration.ofSeconds(1));

        assertThat(c.takeOutputString()).isEmpty();
        assertThat(c.unflushedBytes()).isEqualTo(4);
        assertThat(c.pendingWriteBytes()).as("4 bytes in one entry").isEqualTo(4 + ENTRY_OVERHEAD);

        c.loop().execute(c::flush);
        tester.runPending();
        assertThat(c.takeOutputString()).isEqualTo("tick");
        assertThat(c.pendingWriteBytes()).isZero();
    }

    @Test
    void writabilityFlipsAboveTheHighMarkAndBackBelowTheLowMark() {
        TestConnection c = tester.connect().socketCapacity(0);
        probe.onRead = (conn, data) -> {
            data.release();
            writeBytes(conn, HIGH_WATER_MARK - ENTRY_OVERHEAD); // one entry: its cost is exactly the mark
        };
        c.receive("a");
        assertThat(c.pendingWriteBytes()).isEqualTo(HIGH_WATER_MARK);
        assertThat(c.isWritable()).as("exactly at the high mark").isTrue();

        probe.onRead = (conn, data) -> {
            data.release();
            writeBytes(conn, 1);
        };
        c.receive("b");
        assertThat(c.isWritable()).isFalse();

        // The socket takes just enough to leave LOW_WATER_MARK pending: still not writable.
        c.socketCapacity(HIGH_WATER_MARK + 1 + ENTRY_OVERHEAD - LOW_WATER_MARK);
        assertThat(c.pendingWriteBytes()).isEqualTo(LOW_WATER_MARK);
        assertThat(c.isWritable()).isFalse();

        c.socketCapacity(HIGH_WATER_MARK + 1 + ENTRY_OVERHEAD - LOW_WATER_MARK + 1);
        assertThat(c.pendingWriteBytes()).isEqualTo(LOW_WATER_MARK - 1);
        assertThat(c.isWritable()).isTrue();
        assertThat(probe.events).containsExactly("open", "read a", "read b", "writable false", "writable true");
    }

    @Test
    void writabilityIsReportedAfterTheCallbackNotInsideIt() {
        List<String> seen = new ArrayList<>();
        probe.onRead = (conn, data) -> {
            data.release();
            writeBytes(conn, HIGH_WATER_MARK + 1);
            seen.add("after write, events=" + probe.events.size() + " writable=" + conn.isWritable());
        };
        tester.connect().socketCapacity(0).receive("a");
        assertThat(seen).containsExactly("after write, events=2 writable=false");
        assertThat(probe.events).containsExactly("open", "read a", "writable false");
    }

    @Test
    void crossingBothMarksWithinOneReadReportsBothChanges() {
        probe.onRead = (conn, data) -> {
            data.release();
            writeBytes(conn, HIGH_WATER_MARK + 1); // not writable now; the end-of-read flush drains it all
        };
        TestConnection c = tester.connect().receive("a");
        assertThat(c.isWritable()).isTrue();
        assertThat(probe.events).containsExactly("open", "read a", "writable false", "writable true");
    }

    @Test
    void pausedReadingKeepsDataAndEndOfStreamUntilResumed() {
        probe.onRead = (conn, data) -> {
            data.release();
            conn.pauseReading();
        };
        TestConnection c = tester.connect().receive("1").receive("2").receive("3").peerShutdownOutput();

        assertThat(c.isReadingPaused()).isTrue();
        assertThat(c.unreadBytes()).isEqualTo(2);
        assertThat(probe.events).containsExactly("open", "read 1");

        probe.onRead = (conn, data) -> data.release();
        c.loop().execute(c::resumeReading);
        tester.runPending();
        assertThat(probe.events).containsExactly("open", "read 1", "read 2", "read 3", "input closed", "close ok");
        assertThat(c.unreadBytes()).isZero();
    }

    @Test
    void closeSendsWhatIsQueuedBeforeClosing() {
        probe.onRead = (conn, data) -> {
            conn.write(data);
            conn.close();
        };
        TestConnection c = tester.connect().socketCapacity(2).receive("bye");

        assertThat(c.isOpen()).as("waiting for the peer to read").isTrue();
        assertThat(c.isClosing()).isTrue();
        // Taking "by" makes room for "e": the socket has everything, so the connection closes.
        assertThat(c.takeOutputString()).isEqualTo("by");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.takeOutputString()).isEqualTo("e");
        assertThat(probe.events).containsExactly("open", "read bye", "close ok");
    }

    @Test
    void abortDiscardsTheQueueAndOnCloseRunsOnce() {
        probe.onRead = (conn, data) -> {
            conn.write(data);
            conn.abort();
            conn.abort();
            conn.close();
        };
        TestConnection c = tester.connect().socketCapacity(0).receive("lost");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.pendingWriteBytes()).isZero();
        c.socketCapacity(TestConnection.UNLIMITED);
        assertThat(c.takeOutput()).isEmpty();
        assertThat(probe.events).containsExactly("open", "read lost", "close ok");
    }

    @Test
    void writesAfterCloseAreReleasedAndDropped() {
        probe.onRead = (conn, data) -> {
            conn.close();
            conn.write(data);
        };
        TestConnection c = tester.connect().receive("late");
        assertThat(c.takeOutput()).isEmpty();
        assertThat(c.isOpen()).isFalse();
        // no leak: the tester's close checks it
    }

    @Test
    void halfCloseUsesTheDefaultAndClosesAfterFlushing() {
        probe.onRead = TestConnectionTest::echo;
        TestConnection c = tester.connect().receive("last words").peerShutdownOutput();
        assertThat(c.takeOutputString()).isEqualTo("last words");
        assertThat(probe.events).containsExactly("open", "read last words", "input closed", "close ok");
        assertThatThrownBy(() -> c.receive("more")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idleAndShutdownDefaultsClose() {
        TestConnection idle = tester.connect().idle();
        assertThat(idle.isOpen()).isFalse();
        TestConnection shutdown = tester.connect().shutdown();
        assertThat(shutdown.isOpen()).isFalse();
        assertThat(probe.events).containsExactly("open", "idle", "close ok", "open", "shutdown", "close ok");
    }

    @Test
    void peerResetClosesWithACause() {
        TestConnection c = tester.connect().peerReset();
        assertThat(c.isOpen()).isFalse();
        assertThat(c.closeCause()).isInstanceOf(SocketException.class);
        assertThat(probe.events).containsExactly("open", "close SocketException");
    }

    @Test
    void handlerExceptionAbortsTheConnectionWithThatCause() {
        probe.onRead = (conn, data) -> {
            data.release();
            throw new IllegalArgumentException("bad input (expected by this test)");
        };
        TestConnection c = tester.connect().receive("boom");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.closeCause()).isInstanceOf(IllegalArgumentException.class);
        assertThat(probe.events).containsExactly("open", "read boom", "close IllegalArgumentException");
    }

    @Test
    void receivedDataAfterCloseIsIgnored() {
        TestConnection c = tester.connect().idle().receive("ignored");
        assertThat(probe.events).containsExactly("open", "idle", "close ok");
        assertThat(c.unreadBytes()).isZero();
    }

    @Test
    void connectionRefusesUseFromAnotherThread() throws Exception {
        TestConnection c = tester.connect();
        List<Throwable> failures = new ArrayList<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                c.pauseReading();
            } catch (IllegalStateException expected) {
                failures.add(expected);
            }
        });
        other.join(10_000);
        assertThat(failures).singleElement().extracting(Throwable::getMessage).asString().contains("loop().execute");
        assertThat(c.isReadingPaused()).isFalse();
    }

    @Test
    void handlersCannotDriveThePeerSide() {
        probe.onRead = (conn, data) -> {
            data.release();
            ((TestConnection) conn).receive("recursion");
        };
        TestConnection c = tester.connect().receive("x");
        assertThat(c.closeCause()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void addressesAreLoopbackAndIdsAreUnique() {
        TestConnection a = tester.connect();
        TestConnection b = tester.connect();
        assertThat(a.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(a.localAddress()).isEqualTo(tester.context().address());
        assertThat(a.localAddress().getHostString()).isEqualTo("127.0.0.1");
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(tester.connections()).containsExactly(a, b);
    }

    @Test
    void testerCloseAbortsOpenConnections() {
        TestConnection c = tester.connect();
        tester.close();
        assertThat(c.isOpen()).isFalse();
        assertThat(probe.events).containsExactly("open", "close ok");
    }

    @Test
    void optionsAndSharedStateReachTheListenerContext() {
        try (ProtocolTester withOptions = ProtocolTester.builder("probe", listener -> probe).option("max-line", "12").build()) {
            assertThat(withOptions.context().longOption("max-line", 0)).isEqualTo(12);
            assertThat(withOptions.context().option("absent", "dflt")).isEqualTo("dflt");
            assertThat(withOptions.context().protocol()).isEqualTo("probe");
        }
    }
}
