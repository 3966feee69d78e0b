package io.jselectors.protocol.websocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The server's side of the opening handshake (RFC 6455 section 4.2): checks an upgrade request and
 * answers 101 with {@code Sec-WebSocket-Accept}, or refuses it with the status the RFC names and
 * the reason in the body. Pure: no I/O, so the http listener (or a test) decides how to send it.
 *
 * {@snippet :
 * HandshakeResult result = WebSocketHandshake.evaluate(request, List.of("chat.v1"), OriginPolicy.anyOrigin());
 * connection.writeAndFlush(Unpooled.copiedBuffer(result.toHttpResponse(), StandardCharsets.US_ASCII));
 * if (result instanceof HandshakeResult.Accepted accepted) {
 *     connection.switchHandler(new WebSocketHandler(endpoint, settings, accepted.subprotocol()), rest);
 * }
 * }
 */
public final class WebSocketHandshake {

    /** The only version RFC 6455 defines; others get 426 with this in {@code Sec-WebSocket-Version}. */
    public static final String VERSION = "13";

    /** Section 1.3: appended to the client's key before hashing. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Section 4.1: the key is 16 random bytes, base64-encoded. */
    private static final int KEY_BYTES = 16;

    private WebSocketHandshake() {}

    /** {@code Sec-WebSocket-Accept} for {@code key}: base64(SHA-1(key + GUID)), section 4.2.2. */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-1", e);
        }
    }

    /**
     * Checks {@code request} in the RFC's order and decides.
     *
     * @param subprotocols what the endpoint speaks, in its order of preference; the first the client
     *     offers is chosen, and a client offering only others gets a session without one (section
     *     4.2.2 leaves refusing to the client)
     */
    public static HandshakeResult evaluate(UpgradeRequest request, List<String> subprotocols, OriginPolicy origins) {
        if (!"GET".equals(request.method())) {
            return HandshakeResult.refuse(405, "WebSocket upgrade requires GET, not " + request.method());
        }
        if (!request.hasToken("Upgrade", "websocket")) {
            return HandshakeResult.refuse(400, "missing Upgrade: websocket");
        }
        if (!request.hasToken("Connection", "upgrade")) {
            return HandshakeResult.refuse(400, "Connection does not list upgrade");
        }
        String version = request.single("Sec-WebSocket-Version");
        if (version == null) {
            return HandshakeResult.refuse(400, "missing or repeated Sec-WebSocket-Version");
        }
        if (!VERSION.equals(version)) {
            return HandshakeResult.wrongVersion(version);
        }
        String key = request.single("Sec-WebSocket-Key");
        if (key == null || !isValidKey(key)) {
            return HandshakeResult.refuse(400, "Sec-WebSocket-Key must be 16 bytes in base64");
        }
        if (!origins.allows(request.single("Origin"), request.single("Host"))) {
            return HandshakeResult.refuse(403, "origin not allowed");
        }
        List<String> offered = request.elements("Sec-WebSocket-Protocol");
        String chosen = subprotocols.stream().filter(offered::contains).findFirst().orElse(null);
        return new HandshakeResult.Accepted(accept(key), chosen);
    }

    private static boolean isValidKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
