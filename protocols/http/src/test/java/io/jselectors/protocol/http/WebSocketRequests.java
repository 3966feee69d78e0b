package io.jselectors.protocol.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the http listener's WebSocket tests send, written once: an RFC 6455 upgrade request (the
 * RFC's own sample key, so the expected accept value is the RFC's) and masked client text frames.
 */
final class WebSocketRequests {

    /** The header lines every valid upgrade carries, after the request line, without the blank line. */
    static final String UPGRADE_HEADERS = "Host: localhost:8080\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n";

    /** The accept value for {@link #UPGRADE_HEADERS}' key (RFC 6455 section 1.3). */
    static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static final byte[] MASK = {9, 8, 7, 6};

    private WebSocketRequests() {}

    /** {@code GET path} with {@link #UPGRADE_HEADERS}, more header lines (each ending in CRLF) not yet closed by the blank line. */
    static String upgrade(String path, String moreHeaders) {
        return "GET " + path + " HTTP/1.1\r\n" + UPGRADE_HEADERS + moreHeaders;
    }

    /** A whole upgrade request for {@code path}, blank line included. */
    static String upgrade(String path) {
        return upgrade(path, "") + "\r\n";
    }

    /** A masked client text frame (RFC 6455 section 5.3), short length form only. */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only: " + payload.length + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        out.write(0x80 | payload.length);
        out.writeBytes(MASK);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ MASK[i & 3]);
        }
        return out.toByteArray();
    }
}
