package io.jselectors.protocol.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both ways a line is found: by address (direct buffers) and through the processor (heap buffers). */
class LineScannerTest {

    static Stream<Function<String, ByteBuf>> buffers() {
        return Stream.of(LineScannerTest::direct, LineScannerTest::heap);
    }

    private static ByteBuf direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 16);
        b.writeBytes(bytes);
        assertTrue(b.hasMemoryAddress(), "the address path needs a buffer with an address: " + b);
        return b;
    }

    private static ByteBuf heap(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String line(LineScanner s, int length) {
        return new String(Arrays.copyOf(s.line(), length), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void findsEachLineFromTheReaderIndex(Function<String, ByteBuf> make) {
        ByteBuf in = make.apply("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        try {
            LineScanner s = new LineScanner();
            int lf = s.find(in, 100);
            assertEquals(15, lf);
            assertEquals("GET / HTTP/1.1\r\n", line(s, lf + 1));
            s.next();
            in.readerIndex(lf + 1);
            lf = s.find(in, 100);
            assertEquals(24, lf);
            assertEquals("Host: a\r\n", line(s, lf - 16 + 1));
            s.next();
            in.readerIndex(lf + 1);
            assertEquals(26, s.find(in, 100));
        } finally {
            in.release();
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void aLineSplitAcrossReadsIsCopiedOnceAndContinued(Function<String, ByteBuf> make) {
        ByteBuf first = make.apply("GET /pa");
        ByteBuf whole = make.apply("GET /path HTTP/1.1\r\n");
        try {
            LineScanner s = new LineScanner();
            assertEquals(-1, s.find(first, 100));
            // The connection's input grew: the same line, now complete; the search goes on after the 7 bytes kept.
            int lf = s.find(whole, 100);
            assertEquals(19, lf);
            assertEquals("GET /path HTTP/1.1\r\n", line(s, lf + 1));
        } finally {
            first.release();
            whole.release();
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void stopsAfterTheLimitWithoutAnLf(Function<String, ByteBuf> make) {
        ByteBuf in = make.apply("x".repeat(300) + "\n");
        try {
            LineScanner s = new LineScanner();
            assertEquals(-1, s.find(in, 200));
            assertEquals(-1, s.find(in, 200)); // nothing more may be taken: the caller refuses the line
            assertTrue(in.readableBytes() > 200);
        } finally {
            in.release();
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void readsFromTheReaderIndexNotTheStart(Function<String, ByteBuf> make) {
        ByteBuf in = make.apply("skip\nline two is longer than the initial array of one hundred and twenty-eight bytes"
                + " so that it has to grow while the bytes are being copied one by one\r\n");
        try {
            in.readerIndex(5);
            LineScanner s = new LineScanner();
            int lf = s.find(in, 1000);
            assertEquals(in.writerIndex() - 1, lf);
            assertTrue(line(s, lf - 5 + 1).startsWith("line two"));
            assertTrue(line(s, lf - 5 + 1).endsWith("one by one\r\n"));
        } finally {
            in.release();
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void findsTheLfAtEveryPositionOfAWordAndTheTail(Function<String, ByteBuf> make) {
        for (int length = 1; length <= 40; length++) {
            ByteBuf in = make.apply("a".repeat(length - 1) + "\n" + "b\nc\n");
            try {
                LineScanner s = new LineScanner();
                assertEquals(length - 1, s.find(in, 1000), "line of " + length);
                assertEquals("a".repeat(length - 1) + "\n", line(s, length));
            } finally {
                in.release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void aLineWithoutLfIsCopiedWhole(Function<String, ByteBuf> make) {
        for (int length = 1; length <= 20; length++) {
            ByteBuf in = make.apply("x".repeat(length));
            try {
                LineScanner s = new LineScanner();
                assertEquals(-1, s.find(in, 1000));
                in.writeByte('\n');
                assertEquals(length, s.find(in, 1000), "continued after " + length);
                assertEquals("x".repeat(length) + "\n", line(s, length + 1));
            } finally {
                in.release();
            }
        }
    }
}
