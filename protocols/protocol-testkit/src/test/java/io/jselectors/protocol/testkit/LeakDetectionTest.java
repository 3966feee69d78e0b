package io.jselectors.protocol.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The testkit's reason to exist: a handler that forgets a release must fail its test. */
class LeakDetectionTest {

    private static ProtocolTester testerFor(ProtocolHandler handler) {
        return ProtocolTester.builder("leaky", listener -> handler).build();
    }

    @Test
    void nettyRunsAtParanoidLevelWithTheTrackingDetector() {
        try (ProtocolTester tester = testerFor((c, data) -> data.release())) {
            tester.connect().receive("x");
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
            assertThat(LeakTracking.exact()).isTrue();
        }
    }

    @Test
    void handlerThatDropsWhatItReadsFailsTheTest() {
        ProtocolTester tester = testerFor((c, data) -> {});
        tester.connect().receive("forgotten");

        assertThatThrownBy(tester::close)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 buffer(s) never released")
                .hasMessageContaining("refCnt=1");
    }

    @Test
    void forgottenBufferFromTheConnectionsAllocatorFailsTheTest() {
        ProtocolTester tester = testerFor(new ProtocolHandler() {
            @Override
            public void onOpen(Connection c) {
                c.alloc().buffer(64).writeLong(42); // built, never written nor released
            }

            @Override
            public void onRead(Connection c, ByteBuf data) {
                data.release();
            }
        });
        tester.connect();
        assertThatThrownBy(tester::close).isInstanceOf(AssertionError.class).hasMessageContaining("never released");
    }

    @Test
    void retainedSliceThatIsNeverReleasedFailsTheTest() {
        List<ByteBuf> kept = new ArrayList<>();
        ProtocolTester tester = testerFor((c, data) -> {
            kept.add(data.retainedSlice(0, 2)); // a decoder keeping a frame, then forgetting it
            data.release();
        });
        tester.connect().receive("frame");
        assertThatThrownBy(tester::close).isInstanceOf(AssertionError.class).hasMessageContaining("never released");
    }

    @Test
    void heldBufferReleasedInOnCloseIsNoLeak() {
        ProtocolTester tester = testerFor(new ProtocolHandler() {
            private ByteBuf held;

            @Override
            public void onRead(Connection c, ByteBuf data) {
                held = data; // kept across reads, as a decoder accumulating input does
            }

            @Override
            public void onClose(Connection c, Throwable cause) {
                held.release();
            }
        });
        tester.connect().receive("kept until close");
        tester.close();
    }

    @Test
    void assertNoLeaksDuringATestSeesWhatIsHeldNow() {
        List<ByteBuf> held = new ArrayList<>();
        try (ProtocolTester tester = testerFor((c, data) -> held.add(data))) {
            tester.connect().receive("a").receive("b");
            assertThatThrownBy(tester::assertNoLeaks).hasMessageContaining("2 buffer(s) never released");
            // the failed check released them, so the leak is reported once, here
            assertThat(held).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
        }
    }

    @Test
    void aLeakIsReportedByTheTestThatMadeItOnly() {
        ProtocolTester leaky = testerFor((c, data) -> {});
        leaky.connect().receive("leak");
        assertThatThrownBy(leaky::close).isInstanceOf(AssertionError.class);

        try (ProtocolTester clean = testerFor((c, data) -> data.release())) {
            clean.connect().receive("fine");
        }
    }

    @Test
    void buffersOfTheTestItselfAreCheckedToo() {
        ProtocolTester tester = testerFor((c, data) -> data.release());
        ByteBuf mine = tester.alloc().directBuffer(8);
        assertThatThrownBy(tester::close).isInstanceOf(AssertionError.class);
        assertThat(mine.refCnt()).isZero();
    }

    @Test
    void queuedOutputIsReleasedWhenTheTesterAbortsTheConnection() {
        try (ProtocolTester tester = testerFor(Connection::write)) {
            tester.connect().socketCapacity(0).receive("never sent");
        }
    }
}
