package io.jselectors.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A minimal blocking RFC 6455 client for the load generators: the opening handshake (a random
 * {@code Sec-WebSocket-Key}, the {@code Sec-WebSocket-Accept} checked), masked client frames with a
 * fresh mask per frame (section 5.3), and whole unfragmented server frames read back. Control
 * frames from the server (ping, close) end the run with an error: a load run expects none. Used by
 * one thread at a time.
 */
final class WsClientSocket implements java.io.Closeable {

    /** Text frame opcode (RFC 6455 section 5.2). */
    static final int TEXT = 0x1;

    /** Binary frame opcode. */
    static final int BINARY = 0x2;

    /** The largest payload this client sends or takes in one frame: 16-bit lengths only. */
    static final int MAX_PAYLOAD = 65_535;

    /** How long the server may take to answer the upgrade before the connection counts as failed. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    /** The largest opening-handshake answer read; a server's 101 is a few hundred bytes. */
    static final int MAX_RESPONSE_HEAD = 8 * 1024;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // Masks need not be secret from the server we load, only varied; a seeded generator per client is enough here.
    private final SplittableRandom random;
    private byte[] frame = new byte[0];
    private final byte[] header = new byte[4];
    private int lastOpcode;
    private int lastLength;

    private WsClientSocket(Socket socket, SplittableRandom random) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.random = random;
    }

    /**
     * Connects to {@code address}, upgrades {@code GET path} and returns the open client; {@code
     * extraHeaders} (each ending in CRLF, may be empty) go into the request, e.g. a subprotocol.
     *
     * @throws IOException if the connection or the handshake fails, with the server's status line
     */
    static WsClientSocket connect(InetSocketAddress address, String path, String extraHeaders, long seed) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) TimeUnit.NANOSECONDS.toMillis(BlockingLoad.CONNECT_TIMEOUT_NANOS));
            SplittableRandom random = new SplittableRandom(seed);
            WsClientSocket ws = new WsClientSocket(socket, random);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            ws.handshake(address, path, extraHeaders);
            // Once upgraded, reads wait as long as the run lasts: the run's end closes the socket.
            socket.setSoTimeout(0);
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(InetSocketAddress address, String path, String extraHeaders) throws IOException {
        String key = newKey(random);
        out.write(upgradeRequest(address, path, key, extraHeaders));
        out.flush();
        String head = readHead();
        String status = head.substring(0, Math.max(0, head.indexOf('\r')));
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + status);
        }
        String accept = accept(key);
        if (!head.toLowerCase(Locale.ROOT).contains("sec-websocket-accept: " + accept.toLowerCase(Locale.ROOT))) {
            throw new IOException("wrong or missing Sec-WebSocket-Accept (expected " + accept + ")");
        }
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 bytes from {@code random}, base64. */
    static String newKey(SplittableRandom random) {
        byte[] nonce = new byte[16];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) random.nextInt(256);
        }
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The opening handshake's request for {@code path} with {@code key}; {@code extraHeaders} each end in CRLF. */
    static byte[] upgradeRequest(InetSocketAddress address, String path, String key, String extraHeaders) {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key} (RFC 6455 section 4.2.2). */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private String readHead() throws IOException {
        byte[] head = new byte[MAX_RESPONSE_HEAD];
        int n = 0;
        int matched = 0;
        while (matched < HEAD_END.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed during the handshake");
            }
            if (n == head.length) {
                throw new IOException("handshake answer longer than " + MAX_RESPONSE_HEAD + " bytes");
            }
            head[n++] = (byte) b;
            matched = b == HEAD_END[matched] ? matched + 1 : (b == HEAD_END[0] ? 1 : 0);
        }
        return new String(head, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code payload[0..length)} as one masked frame with {@code opcode}; flushes if {@code flush}. */
    void send(int opcode, byte[] payload, int length, boolean flush) throws IOException {
        if (length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload over " + MAX_PAYLOAD + " bytes: " + length);
        }
        int headerLength = length < 126 ? 2 : 4;
        int total = headerLength + 4 + length;
        if (frame.length < total) {
            frame = new byte[total];
        }
        frame[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
        } else {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        }
        int mask = random.nextInt();
        for (int i = 0; i < 4; i++) {
            frame[headerLength + i] = (byte) (mask >>> (24 - 8 * i));
        }
        int start = headerLength + 4;
        for (int i = 0; i < length; i++) {
            frame[start + i] = (byte) (payload[i] ^ frame[headerLength + (i & 3)]);
        }
        out.write(frame, 0, total);
        if (flush) {
            out.flush();
        }
    }

    /**
     * Reads one whole data frame into {@code payload} (grown if needed, returned) and sets {@link
     * #lastLength()}; the opcode is returned through {@link #lastOpcode()}.
     *
     * @throws IOException on end of stream, a fragment, a masked or oversized frame, or a control frame
     */
    byte[] receive(byte[] payload) throws IOException {
        TlsEchoLoad.readFully(in, header, 2);
        int b0 = header[0] & 0xff;
        int b1 = header[1] & 0xff;
        lastOpcode = b0 & 0x0f;
        if ((b0 & 0x80) == 0 || lastOpcode == 0) {
            throw new IOException("a fragmented message; this client expects whole frames");
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("a masked server frame (RFC 6455 section 5.1 forbids it)");
        }
        if (lastOpcode >= 0x8) {
            throw new IOException("control frame 0x" + Integer.toHexString(lastOpcode) + " during the run");
        }
        int length = b1 & 0x7f;
        if (length == 126) {
            TlsEchoLoad.readFully(in, header, 2);
            length = ((header[0] & 0xff) << 8) | (header[1] & 0xff);
        } else if (length == 127) {
            throw new IOException("a frame over " + MAX_PAYLOAD + " bytes");
        }
        byte[] into = payload.length >= length ? payload : new byte[length];
        TlsEchoLoad.readFully(in, into, length);
        lastLength = length;
        return into;
    }

    /**
     * Whether more of the server's bytes are already here, so that replies to them can share one
     * write: a pipelining client answers a batch with a batch, as the server does.
     */
    boolean moreArrived() throws IOException {
        return in.available() > 0;
    }

    /** Sends what {@link #send} buffered. */
    void flush() throws IOException {
        out.flush();
    }

    /** The opcode of the frame {@link #receive} read last. */
    int lastOpcode() {
        return lastOpcode;
    }

    /** The payload length of the frame {@link #receive} read last. */
    int lastLength() {
        return lastLength;
    }

    /** Closes the socket without a close handshake (the end of a load run). */
    @Override
    public void close() {
        BlockingLoad.closeQuietly(socket);
    }
}
