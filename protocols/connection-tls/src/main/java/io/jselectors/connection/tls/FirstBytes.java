package io.jselectors.connection.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * What the first bytes of a connection say about the peer, and the answers for a peer on the wrong
 * port: every TLS connection starts with a handshake record (RFC 8446, 5.1: content type 22,
 * legacy version 3.x), so one look at the first read tells TLS from plaintext either way.
 */
public final class FirstBytes {

    /** The TLS record content type of a handshake message (RFC 8446, 5.1). */
    static final int CONTENT_HANDSHAKE = 22;
    /** The TLS record content type of an alert (RFC 8446, 6). */
    private static final int CONTENT_ALERT = 21;
    /** The major version byte of every SSL 3.0 / TLS record header. */
    private static final int VERSION_MAJOR = 3;
    /** Highest minor version byte a record header carries (TLS 1.3's records say 1.2: 3.3; 4 is tolerated). */
    private static final int MAX_VERSION_MINOR = 4;
    /** A fatal alert (RFC 8446, 6). */
    private static final int ALERT_FATAL = 2;
    /**
     * {@code handshake_failure} (40): what OpenSSL, curl and browsers print as "sslv3 alert
     * handshake failure", which points a user at the TLS setup rather than at a version mismatch.
     */
    static final int ALERT_HANDSHAKE_FAILURE = 40;

    private static final byte[] PLAINTEXT_HTTP_ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 42\r\nConnection: close\r\n\r\nThis port speaks TLS: use https:// here.\r\n").getBytes(StandardCharsets.US_ASCII);

    private FirstBytes() {}

    /** Whether {@code first} starts like a TLS connection: its first byte is a handshake record's. */
    public static boolean mayBeTls(ByteBuf first) {
        return first.isReadable() && first.getUnsignedByte(first.readerIndex()) == CONTENT_HANDSHAKE;
    }

    /**
     * Whether {@code first} starts with a whole TLS handshake record header's first three bytes
     * ({@code 16 03 00..04}): a TLS client that connected to a plaintext port.
     */
    public static boolean isTlsRecord(ByteBuf first) {
        int at = first.readerIndex();
        return first.readableBytes() >= 3 && first.getUnsignedByte(at) == CONTENT_HANDSHAKE
                && first.getUnsignedByte(at + 1) == VERSION_MAJOR && first.getUnsignedByte(at + 2) <= MAX_VERSION_MINOR;
    }

    /** Whether plaintext sent to a TLS port looks like an HTTP request line (an upper-case method). */
    public static boolean looksLikeHttp(ByteBuf first) {
        return first.isReadable() && Character.isUpperCase(first.getUnsignedByte(first.readerIndex()));
    }

    /** An HTTP 400 in plaintext saying that the port speaks TLS. */
    public static ByteBuf plaintextHttpAnswer(ByteBufAllocator alloc) {
        return alloc.directBuffer(PLAINTEXT_HTTP_ANSWER.length).writeBytes(PLAINTEXT_HTTP_ANSWER);
    }

    /**
     * A fatal {@code handshake_failure} alert record for the TLS client whose first record is
     * {@code first}, in that record's version so that the client parses it.
     */
    public static ByteBuf handshakeFailureAlert(ByteBufAllocator alloc, ByteBuf first) {
        int minor = first.getUnsignedByte(first.readerIndex() + 2);
        return alloc.directBuffer(7).writeByte(CONTENT_ALERT).writeByte(VERSION_MAJOR).writeByte(minor)
                .writeShort(2).writeByte(ALERT_FATAL).writeByte(ALERT_HANDSHAKE_FAILURE);
    }
}
