package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line splitting across reads, terminators, the line limit and invalid UTF-8. */
class ChatLinesTest {

    /** Commands and messages with multi-byte UTF-8, both terminators and a blank line. */
    private static final String SCRIPT = "hello\r\n/me h\u00e9site \u2014 \uD83D\uDE00\n\r\n/nick al\nsecond line\r\n";

    private static final List<String> SCRIPT_SEEN_BY_BOB = List.of(
            "[lobby] alice: hello",
            "[lobby] * alice h\u00e9site \u2014 \uD83D\uDE00",
            "[lobby] * alice is now known as al",
            "[lobby] al: second line");

    @Test
    void aScriptSplitAtEveryByteBoundaryReadsTheSame() {
        byte[] script = SCRIPT.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= script.length; cut++) {
            try (ProtocolTester tester = ChatTesting.tester()) {
                TestConnection alice = login(tester, "alice");
                TestConnection bob = login(tester, "bob");
                drain(alice);
                alice.receive(Arrays.copyOfRange(script, 0, cut));
                alice.receive(Arrays.copyOfRange(script, cut, script.length));
                assertThat(lines(bob)).as("cut at %d", cut).isEqualTo(SCRIPT_SEEN_BY_BOB);
            }
        }
    }

    @Test
    void aScriptSentOneByteAtATimeReadsTheSame() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            for (byte b : SCRIPT.getBytes(StandardCharsets.UTF_8)) {
                alice.receive(new byte[] {b});
            }
            assertThat(lines(bob)).isEqualTo(SCRIPT_SEEN_BY_BOB);
            assertThat(lines(alice)).containsExactly("[lobby] * alice is now known as al");
        }
    }

    @Test
    void lfAndCrlfAreTheSameAndALoneCrIsText() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("one\ntwo\r\nthree\rfour\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: one", "[lobby] alice: two", "[lobby] alice: three\uFFFDfour");
        }
    }

    /** The JDK's decoder rules: an encoded surrogate (ED A0 80) or a cut-off sequence is one U+FFFD. */
    @Test
    void invalidUtf8IsReplacedAndTheConnectionCarriesOn() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xc3, '(', (byte) 0xe2, (byte) 0x82, '\n'});
            alice.receive(new byte[] {'/', 'm', 's', 'g', ' ', 'b', 'o', 'b', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '\n'});
            assertThat(lines(bob)).containsExactly("[lobby] alice: a\uFFFDb\uFFFD(\uFFFD", "[pm] alice: \uFFFD");
            alice.receive("still here\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: still here");
            assertThat(alice.isOpen()).isTrue();
        }
    }

    @Test
    void invalidUtf8ReadsTheSameWhereverTheReadEnds() {
        byte[] line = {'/', 'm', 's', 'g', ' ', 'b', 'o', 'b', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'x', (byte) 0xf0, (byte) 0x9f, '\r', '\n'};
        for (int cut = 0; cut <= line.length; cut++) {
            try (ProtocolTester tester = ChatTesting.tester()) {
                TestConnection alice = login(tester, "alice");
                TestConnection bob = login(tester, "bob");
                alice.receive(Arrays.copyOfRange(line, 0, cut));
                alice.receive(Arrays.copyOfRange(line, cut, line.length));
                assertThat(lines(bob)).as("cut at %d", cut).containsExactly("[pm] alice: \uFFFDx\uFFFD");
            }
        }
    }

    @Test
    void anOverLongLineIsRefusedOnceAndTheNextLineWorks() {
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("max-line", "16").build()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            String error = "! line too long (the limit is 16 bytes); it was discarded";

            alice.receive("x".repeat(17) + "\nafter\n");
            assertThat(lines(alice)).containsExactly(error);
            assertThat(lines(bob)).containsExactly("[lobby] alice: after");

            alice.receive("y".repeat(10));
            alice.receive("y".repeat(10));
            assertThat(lines(alice)).as("refused as soon as it is too long").containsExactly(error);
            alice.receive("z".repeat(100));
            alice.receive("zzz\r\nok\r\n");
            assertThat(lines(alice)).as("one error per line").isEmpty();
            assertThat(lines(bob)).containsExactly("[lobby] alice: ok");
            assertThat(alice.isOpen()).isTrue();
        }
    }

    @Test
    void theLimitCountsBytesWithoutTheTerminator() {
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("max-line", "16").build()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            String sixteen = "\u00e9".repeat(8); // 16 bytes
            byte[] crlf = (sixteen + "\r\n").getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= crlf.length; cut++) {
                alice.receive(Arrays.copyOfRange(crlf, 0, cut));
                alice.receive(Arrays.copyOfRange(crlf, cut, crlf.length));
                assertThat(lines(bob)).as("cut at %d", cut).containsExactly("[lobby] alice: " + sixteen);
            }
            alice.receive(sixteen + "\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: " + sixteen);

            byte[] seventeen = ("x" + sixteen + "\r\n").getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= seventeen.length; cut++) {
                alice.receive(Arrays.copyOfRange(seventeen, 0, cut));
                alice.receive(Arrays.copyOfRange(seventeen, cut, seventeen.length));
                assertThat(lines(alice)).as("cut at %d", cut).containsExactly("! line too long (the limit is 16 bytes); it was discarded");
            }
            assertThat(lines(bob)).isEmpty();
        }
    }

    @Test
    void theDefaultLimitIs4096Bytes() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("a".repeat(4096) + "\n" + "b".repeat(4097) + "\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: " + "a".repeat(4096));
            assertThat(lines(alice)).containsExactly("! line too long (the limit is 4096 bytes); it was discarded");
        }
    }

    @Test
    void manyLinesInOneReadAllCount() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            ByteArrayOutputStream many = new ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                many.writeBytes(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            alice.receive(many.toByteArray());
            List<String> seen = lines(bob);
            assertThat(seen).hasSize(500);
            for (int i = 0; i < 500; i++) {
                assertThat(seen.get(i)).isEqualTo("[lobby] alice: line " + i);
            }
        }
    }

    @Test
    void malformedOptionsAreRefusedByName() {
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("max-line", "lots").build())
                .hasMessageContaining("max-line");
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("max-line", "0").build())
                .hasMessageContaining("max-line");
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("max-queue", "-1").build())
                .hasMessageContaining("max-queue");
    }
}
