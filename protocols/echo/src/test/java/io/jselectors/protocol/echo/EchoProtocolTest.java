package io.jselectors.protocol.echo;

import static io.jselectors.protocol.testkit.TestConnection.HIGH_WATER_MARK;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.LoopCounter;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EchoProtocolTest {

    private static final int CHUNK = 16 * 1024;

    private final ProtocolTester tester = ProtocolTester.of(new EchoProtocol());

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Compares without printing megabytes: the lengths, then the first difference. */
    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual.length).as("bytes echoed").isEqualTo(expected.length);
        int mismatch = Arrays.mismatch(actual, expected);
        assertThat(mismatch).as("index of the first byte that differs").isEqualTo(-1);
    }

    private double echoedBytes() {
        return tester.meterRegistry().get(EchoProtocol.BYTES_METER).functionCounter().count();
    }

    @Test
    void echoesManyChunksOfEverySizeInOrder() {
        Random random = new Random(862);
        TestConnection connection = tester.connect();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            byte[] chunk = randomBytes(random, 1 + random.nextInt(i % 100 == 0 ? 70_000 : 1_500));
            sent.writeBytes(chunk);
            connection.receive(chunk);
            if (random.nextInt(4) == 0) {
                received.writeBytes(connection.takeOutput());
            }
        }
        received.writeBytes(connection.takeOutput());

        assertSameBytes(received.toByteArray(), sent.toByteArray());
        assertThat(connection.isOpen()).isTrue();
        assertThat(echoedBytes()).isEqualTo(sent.size());
    }

    @Test
    void writesBackTheBufferItReadWithoutCopying() {
        List<ByteBuf> read = new ArrayList<>();
        EchoHandler echo = new EchoHandler(LoopCounter.builder("spy").register(new SimpleMeterRegistry()));
        try (ProtocolTester spy = ProtocolTester.builder("echo-spy", listener -> (connection, data) -> {
            read.add(data);
            echo.onRead(connection, data);
        }).build()) {
            TestConnection connection = spy.connect().socketCapacity(0).receive("zero copy");
            // Still alive and queued: handed over, neither copied nor released.
            assertThat(read).singleElement().satisfies(buf -> assertThat(buf.refCnt()).isEqualTo(1));
            assertThat(connection.pendingWriteBytes()).isEqualTo(9);
        }
        assertThat(read.getFirst().refCnt()).as("released by the connection when it closed").isZero();
    }

    @Test
    void peerThatDoesNotReadMakesTheServerStopReading() {
        TestConnection connection = tester.connect().socketCapacity(0);
        int chunks = 0;
        while (!connection.isReadingPaused() && chunks < 100) {
            connection.receive(new byte[CHUNK]);
            chunks++;
        }
        assertThat(connection.isReadingPaused()).isTrue();
        assertThat(connection.isWritable()).isFalse();
        long pendingWhenPaused = connection.pendingWriteBytes();
        assertThat(pendingWhenPaused).isGreaterThan(HIGH_WATER_MARK).isLessThanOrEqualTo(HIGH_WATER_MARK + CHUNK);

        // The client keeps sending: it stays unread, the server's queue does not grow.
        for (int i = 0; i < 50; i++) {
            connection.receive(new byte[CHUNK]);
        }
        assertThat(connection.pendingWriteBytes()).isEqualTo(pendingWhenPaused);
        assertThat(connection.unreadBytes()).isEqualTo(50L * CHUNK);
    }

    @Test
    void readingResumesOnceThePeerCatchesUpAndNothingIsLost() {
        Random random = new Random(7);
        TestConnection connection = tester.connect().socketCapacity(0);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            byte[] chunk = randomBytes(random, CHUNK);
            sent.writeBytes(chunk);
            connection.receive(chunk);
        }
        assertThat(connection.isReadingPaused()).isTrue();

        // The peer now reads 8 KiB at a time: writability returns below 32 KiB, reading resumes.
        connection.socketCapacity(8 * 1024);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean resumedOnce = false;
        for (int rounds = 0; received.size() < sent.size() && rounds < 10_000; rounds++) {
            received.writeBytes(connection.takeOutput());
            resumedOnce |= !connection.isReadingPaused();
        }
        assertThat(resumedOnce).isTrue();
        assertSameBytes(received.toByteArray(), sent.toByteArray());
        assertThat(connection.unreadBytes()).isZero();
        assertThat(connection.isReadingPaused()).isFalse();
        assertThat(connection.isWritable()).isTrue();
    }

    @Test
    void halfCloseFinishesEchoingThenCloses() {
        TestConnection connection = tester.connect().socketCapacity(5);
        connection.receive("everything I said").peerShutdownOutput();
        assertThat(connection.isClosing()).as("closing, with 12 bytes still to send").isTrue();
        StringBuilder received = new StringBuilder();
        for (int rounds = 0; rounds < 10; rounds++) {
            received.append(connection.takeOutputString());
        }
        assertThat(received).hasToString("everything I said");
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.closeCause()).isNull();
    }

    @Test
    void halfCloseWhileBackloggedEchoesEverythingBeforeClosing() {
        Random random = new Random(1);
        TestConnection connection = tester.connect().socketCapacity(0);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 12; i++) {
            byte[] chunk = randomBytes(random, CHUNK);
            sent.writeBytes(chunk);
            connection.receive(chunk);
        }
        connection.peerShutdownOutput();
        assertThat(connection.isOpen()).as("still echoing the backlog").isTrue();
        assertThat(connection.unreadBytes()).as("part of it still unread").isPositive();

        connection.socketCapacity(8 * 1024); // a slow reader: the end of stream is seen while output is queued
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int rounds = 0; connection.isOpen() && rounds < 10_000; rounds++) {
            received.writeBytes(connection.takeOutput());
        }
        received.writeBytes(connection.takeOutput());
        assertSameBytes(received.toByteArray(), sent.toByteArray());
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.closeCause()).isNull();
    }

    @Test
    void fullDuplexEchoesWhileThePeerIsStillSending() {
        TestConnection connection = tester.connect();
        connection.receive("a");
        assertThat(connection.takeOutputString()).isEqualTo("a");
        connection.receive("b");
        assertThat(connection.takeOutputString()).isEqualTo("b");
    }

    @Test
    void countsEchoedBytesInBytes() {
        TestConnection first = tester.connect();
        TestConnection second = tester.connect();
        first.receive("12345");
        second.receive("678");
        assertThat(echoedBytes()).isEqualTo(8);
        FunctionCounter counter = tester.meterRegistry().get(EchoProtocol.BYTES_METER).functionCounter();
        assertThat(counter.getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void idleConnectionIsClosed() {
        TestConnection connection = tester.connect().idle();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void shutdownSendsWhatIsQueuedThenCloses() {
        TestConnection connection = tester.connect().socketCapacity(3);
        connection.receive("goodbye").shutdown();
        assertThat(connection.isClosing()).isTrue();
        assertThat(connection.takeOutputString()).isEqualTo("goo");
        assertThat(connection.takeOutputString()).isEqualTo("dby");
        assertThat(connection.takeOutputString()).isEqualTo("e");
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void resetWhileBackloggedReleasesTheQueue() {
        TestConnection connection = tester.connect().socketCapacity(0);
        for (int i = 0; i < 10; i++) {
            connection.receive(new byte[CHUNK]);
        }
        connection.peerReset();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.pendingWriteBytes()).isZero();
        // the tester's close() fails the test if a queued buffer was not released
    }

    @Test
    void serviceLoaderFindsEchoOnPort7000() {
        List<Protocol> found = ServiceLoader.load(Protocol.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("echo"))
                .toList();
        assertThat(found).singleElement().satisfies(p -> {
            assertThat(p).isInstanceOf(EchoProtocol.class);
            assertThat(p.defaultPort()).isEqualTo(7000);
        });
    }
}
