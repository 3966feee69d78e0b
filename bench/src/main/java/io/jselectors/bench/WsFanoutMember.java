package io.jselectors.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One chat member of {@link WsChatFanout} on a non-blocking {@link SocketChannel}: the opening
 * handshake (done before the member joins a {@link FanoutReceiver}, with a deadline), masked
 * client frames, and the server's frames parsed in place in the member's own buffer. A delivered
 * chat line ends with {@code ": T"}, the line's sequence number, {@code "-"} and the sender's {@link
 * System#nanoTime()} in decimal; the parser reads both numbers backwards from the end of the
 * payload, so receiving allocates nothing.
 * Used by one thread at a time (the set-up thread, then its receiver; the sender's by the sender).
 */
final class WsFanoutMember {

    /** Room for a few whole frames; a chat line is short, a longer frame is an error. */
    static final int BUFFER_BYTES = 16 * 1024;

    /** How long the server may take to answer the upgrade. */
    static final long HANDSHAKE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    /** The largest timestamp: {@code Long.MAX_VALUE} has 19 digits. */
    private static final int MAX_DIGITS = 19;

    final SocketChannel channel;
    /** Whether this member's deliveries are counted (the sender's own socket is not). */
    final boolean counted;
    private final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
    private final ByteBuffer out = ByteBuffer.allocate(256);
    private final SplittableRandom random;

    private WsFanoutMember(SocketChannel channel, boolean counted, long seed) {
        this.channel = channel;
        this.counted = counted;
        this.random = new SplittableRandom(seed);
    }

    /** Connects and upgrades {@code GET path}; the channel is non-blocking afterwards. */
    static WsFanoutMember connect(InetSocketAddress address, String path, boolean counted, long seed) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            channel.configureBlocking(false);
            WsFanoutMember member = new WsFanoutMember(channel, counted, seed);
            member.handshake(address, path);
            return member;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void handshake(InetSocketAddress address, String path) throws IOException {
        String key = WsClientSocket.newKey(random);
        writeAll(ByteBuffer.wrap(WsClientSocket.upgradeRequest(address, path, key, "")));
        long deadline = System.nanoTime() + HANDSHAKE_NANOS;
        int end;
        while ((end = headEnd()) < 0) {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed during the handshake");
            }
            if (!in.hasRemaining()) {
                throw new IOException("handshake answer longer than " + BUFFER_BYTES + " bytes");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no handshake answer within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_NANOS) + " s");
            }
            Thread.onSpinWait();
        }
        String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.substring(0, Math.max(0, head.indexOf('\r'))));
        }
        if (!head.toLowerCase(Locale.ROOT).contains("sec-websocket-accept: " + WsClientSocket.accept(key).toLowerCase(Locale.ROOT))) {
            throw new IOException("wrong or missing Sec-WebSocket-Accept");
        }
        in.flip().position(end); // frames that came with the answer stay for the receiver
        in.compact();
    }

    /** The index just past the blank line ending the response head in {@code in}, or -1. */
    private int headEnd() {
        byte[] a = in.array();
        for (int i = 0; i + HEAD_END.length <= in.position(); i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i + HEAD_END.length;
            }
        }
        return -1;
    }

    /** Sends one masked text frame of {@code line} (ASCII); spins until the kernel took it (set-up only). */
    void say(String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        out.clear();
        out.put(bytes);
        sendFrame(TEXT, out.flip().remaining());
    }

    /**
     * Sends {@code "T" + sequence + "-" + at} as a text frame, without allocating: {@code at} is
     * the {@link System#nanoTime()} the line was due, so a sender running late (the server pushing
     * back) counts in the latency instead of hiding it.
     */
    void sayTimestamp(int sequence, long at) throws IOException {
        out.clear();
        out.put((byte) 'T');
        putDecimal(sequence);
        out.put((byte) '-');
        putDecimal(at);
        sendFrame(TEXT, out.flip().remaining());
    }

    private void putDecimal(long value) {
        int first = out.position();
        long rest = value;
        do {
            out.put((byte) ('0' + rest % 10));
            rest /= 10;
        } while (rest > 0);
        byte[] digits = out.array();
        for (int i = first, j = out.position() - 1; i < j; i++, j--) { // written backwards: reverse
            byte t = digits[i];
            digits[i] = digits[j];
            digits[j] = t;
        }
    }

    /** Frames {@code out}'s first {@code length} bytes: header, mask, masked payload; then writes it all. */
    private void sendFrame(int opcode, int length) throws IOException {
        if (length > 125) {
            throw new IllegalArgumentException("short frames only: " + length);
        }
        byte[] a = out.array();
        System.arraycopy(a, 0, a, 6, length);
        int mask = random.nextInt();
        a[0] = (byte) (0x80 | opcode);
        a[1] = (byte) (0x80 | length);
        for (int i = 0; i < 4; i++) {
            a[2 + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < length; i++) {
            a[6 + i] ^= a[2 + (i & 3)];
        }
        out.clear().limit(6 + length);
        writeAll(out);
    }

    private void writeAll(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.write(buf) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Reads what arrived and parses every whole frame: each chat line with a timestamp is passed to
     * {@code sink} with its latency at {@code now}; pings are answered.
     *
     * @return false at end of stream
     * @throws IOException on a close frame, a fragment, a masked or oversized frame
     */
    boolean readAll(long now, FanoutReceiver sink) throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            return false;
        }
        byte[] a = in.array();
        int limit = in.position();
        int at = 0;
        while (limit - at >= 2) {
            int b0 = a[at] & 0xFF;
            int b1 = a[at + 1] & 0xFF;
            int length = b1 & 0x7F;
            int header = 2;
            if (length == 126) {
                if (limit - at < 4) {
                    break;
                }
                length = ((a[at + 2] & 0xFF) << 8) | (a[at + 3] & 0xFF);
                header = 4;
            } else if (length == 127 || (b1 & 0x80) != 0 || (b0 & 0x80) == 0) {
                throw new IOException("unexpected frame header " + Integer.toHexString(b0) + " " + Integer.toHexString(b1));
            }
            if (header + length > BUFFER_BYTES) {
                throw new IOException("a frame of " + length + " bytes; chat lines are short");
            }
            if (limit - at < header + length) {
                break;
            }
            int opcode = b0 & 0x0F;
            int start = at + header;
            if (opcode == PING) {
                out.clear();
                out.put(a, start, length);
                sendFrame(PONG, length);
            } else if (opcode == CLOSE) {
                throw new IOException("the server closed the session");
            } else if (opcode == TEXT && counted) {
                parseLine(a, start, length);
                if (lineSequence >= 0) {
                    sink.delivered(lineSequence, now - lineSent);
                }
            }
            at = start + length;
        }
        in.limit(limit).position(at);
        in.compact(); // the unparsed tail moves to the front; back in write mode
        return true;
    }

    /** What {@link #parseLine} found: the line's sequence number (-1: not a timed line) and send time. */
    private int lineSequence;
    private long lineSent;

    /**
     * Reads {@code ": T" SEQUENCE "-" NANOS} ending the payload (a trailing CR LF allowed) into
     * {@link #lineSequence} and {@link #lineSent}; -1 as the sequence when the line is not one.
     */
    void parseLine(byte[] a, int start, int length) {
        lineSequence = -1;
        int end = start + length;
        while (end > start && (a[end - 1] == '\n' || a[end - 1] == '\r')) {
            end--;
        }
        int i = end - 1;
        long sent = 0;
        for (long scale = 1; i >= start && a[i] >= '0' && a[i] <= '9' && end - i <= MAX_DIGITS; i--, scale *= 10) {
            sent += (a[i] - '0') * scale;
        }
        if (i == end - 1 || i - 1 < start || a[i] != '-') {
            return;
        }
        int digitsEnd = --i;
        long sequence = 0;
        for (long scale = 1; i >= start && a[i] >= '0' && a[i] <= '9' && digitsEnd - i < 10; i--, scale *= 10) {
            sequence += (a[i] - '0') * scale;
        }
        boolean marked = i < digitsEnd && i - 2 >= start && a[i] == 'T' && a[i - 1] == ' ' && a[i - 2] == ':';
        if (marked && sequence <= Integer.MAX_VALUE) {
            lineSequence = (int) sequence;
            lineSent = sent;
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the end of a run: nothing to report
        }
    }
}
