package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connections of one loop collect their answers in the loop's {@link OutputSpare}: an answer
 * still waiting for its socket must never be overwritten by another connection's (or the same
 * one's) next answer, and the spare must be given back once the loop's connections are gone (the
 * tester fails on any buffer left unreleased when it closes).
 */
class OutputReuseTest {

    private static final String GET_HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String GET_HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void anAnswerWaitingForItsSocketKeepsItsBytes() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection slow = tester.connect(0).socketCapacity(10); // takes 10 bytes, then is full
            TestConnection fast = tester.connect(0);
            slow.receive(GET_HELLO);
            String slowStart = output(slow);
            assertThat(slowStart).hasSize(10);
            // The same loop answers other requests meanwhile, into its spare buffer.
            for (int i = 0; i < 3; i++) {
                fast.receive(GET_HEALTHZ + GET_HEALTHZ);
                assertThat(ParsedResponse.all(output(fast))).extracting(ParsedResponse::body).containsExactly("ok", "ok");
            }
            slow.socketCapacity(TestConnection.UNLIMITED);
            String rest = "";
            for (int i = 0; i < 100 && !(slowStart + rest).endsWith("Hello, World!"); i++) {
                rest += output(slow);
                tester.runPending();
            }
            ParsedResponse hello = ParsedResponse.one(slowStart + rest);
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("Hello, World!");
            // The slow connection answers again, now that its buffer went out.
            slow.receive(GET_HELLO);
            assertThat(ParsedResponse.one(output(slow)).body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void answersInTurnOnManyConnectionsAreEachTheirOwn() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            List<TestConnection> connections = List.of(tester.connect(0), tester.connect(0), tester.connect(0));
            for (int round = 0; round < 5; round++) {
                for (TestConnection c : connections) {
                    c.receive(round % 2 == 0 ? GET_HELLO : GET_HEALTHZ);
                }
                for (TestConnection c : connections) {
                    assertThat(ParsedResponse.one(output(c)).body()).isEqualTo(round % 2 == 0 ? "Hello, World!" : "ok");
                }
            }
            connections.get(0).close();
            connections.get(1).close();
            connections.get(2).receive(GET_HELLO);
            assertThat(ParsedResponse.one(output(connections.get(2))).body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void theLoopsConnectionsAllClosedLeaveNoBuffer() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection one = tester.connect(0);
            one.receive(GET_HELLO);
            assertThat(ParsedResponse.one(output(one)).status()).isEqualTo(200);
            one.close();
            tester.runPending();
            tester.assertNoLeaks(); // the spare went back with the last connection, before the tester closes
            TestConnection two = tester.connect(0); // and a new one makes a new spare
            two.receive(GET_HELLO);
            assertThat(ParsedResponse.one(output(two)).status()).isEqualTo(200);
        }
    }
}
