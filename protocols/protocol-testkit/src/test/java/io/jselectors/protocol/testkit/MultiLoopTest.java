package io.jselectors.protocol.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tester with several loops: each handler sees only its own loop as "in loop". */
class MultiLoopTest {

    private final List<Connection> connections = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();
    private final ProtocolTester tester = ProtocolTester.builder("relay", listener -> new Relay()).loops(2).build();

    @AfterEach
    void closeTester() {
        tester.close();
    }

    /** Relays what it reads to the other connection, the way the test's flag says. */
    private final class Relay implements ProtocolHandler {
        boolean throughExecute = true;

        @Override
        public void onOpen(Connection connection) {
            connections.add(connection);
        }

        @Override
        public void onRead(Connection connection, ByteBuf data) {
            Connection other = connections.get(connections.get(0) == connection ? 1 : 0);
            seen.add("own " + connection.loop().inLoop() + ", other " + other.loop().inLoop());
            if (throughExecute) {
                other.loop().execute(() -> {
                    seen.add("task on other loop: " + other.loop().inLoop() + ", own " + connection.loop().inLoop());
                    other.writeAndFlush(data);
                });
            } else {
                data.release();
                other.writeAndFlush(ByteBufUtil.writeAscii(other.alloc(), "wrong loop"));
            }
        }
    }

    @Test
    void connectionsAreSpreadRoundRobin() {
        TestConnection a = tester.connect();
        TestConnection b = tester.connect();
        TestConnection c = tester.connect();
        assertThat(a.loop()).isSameAs(tester.loop(0)).isSameAs(c.loop());
        assertThat(b.loop()).isSameAs(tester.loop(1));
        assertThat(tester.connect(0).loop()).isSameAs(tester.loop(0));
    }

    @Test
    void crossLoopWorkGoesThroughExecuteAndRunsOnTheOtherLoop() {
        TestConnection a = tester.connect();
        TestConnection b = tester.connect();
        a.receive("hello b");
        assertThat(b.takeOutputString()).isEqualTo("hello b");
        assertThat(seen).containsExactly("own true, other false", "task on other loop: true, own false");
    }

    @Test
    void touchingAConnectionOfAnotherLoopDirectlyIsCaught() {
        TestConnection a = tester.connect();
        TestConnection b = tester.connect();
        ((Relay) a.handler()).throughExecute = false;
        a.receive("x");
        assertThat(a.closeCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("loop().execute");
        assertThat(b.takeOutput()).isEmpty();
    }

    @Test
    void testCodeMayActAsAnyLoop() {
        TestConnection b = tester.connect(1);
        assertThat(tester.loop(0).inLoop()).isTrue();
        assertThat(tester.loop(1).inLoop()).isTrue();
        b.pauseReading();
        assertThat(b.isReadingPaused()).isTrue();
    }

    @Test
    void timersOfAllLoopsRunInDeadlineOrder() {
        List<String> ran = new ArrayList<>();
        tester.loop(1).schedule(() -> ran.add("loop1@1s " + tester.loop(1).inLoop() + " " + tester.loop(0).inLoop()), 1, TimeUnit.SECONDS);
        tester.loop(0).schedule(() -> ran.add("loop0@2s"), 2, TimeUnit.SECONDS);
        tester.loop(1).schedule(() -> ran.add("loop1@3s"), 3, TimeUnit.SECONDS);
        tester.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("loop1@1s true false", "loop0@2s", "loop1@3s");
        assertThat(tester.loop(0).nanoTime()).isEqualTo(tester.loop(1).nanoTime()).isEqualTo(5_000_000_000L);
    }
}
