package io.jselectors.protocol.websocket;

import java.nio.charset.StandardCharsets;

/** What {@link WebSocketHandshake#evaluate} decided: switch protocols, or refuse with a status. */
public sealed interface HandshakeResult {

    /** The complete HTTP/1.1 response head (and body for a refusal) to send. */
    String toHttpResponse();

    /**
     * The request is a valid upgrade.
     *
     * @param accept the {@code Sec-WebSocket-Accept} value
     * @param subprotocol the chosen subprotocol, or null for none
     */
    record Accepted(String accept, String subprotocol) implements HandshakeResult {
        @Override
        public String toHttpResponse() {
            return "HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n"
                    + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n")
                    + "\r\n";
        }
    }

    /**
     * The request is refused.
     *
     * @param status 400 for a malformed upgrade, 403 for a refused origin, 405 for a method other
     *     than GET, 426 for an unsupported version
     * @param reason one line saying why, sent as the plain-text body
     */
    record Refused(int status, String reason) implements HandshakeResult {
        @Override
        public String toHttpResponse() {
            String body = reason + "\n";
            String extra = switch (status) {
                case 426 -> "Sec-WebSocket-Version: " + WebSocketHandshake.VERSION + "\r\nUpgrade: websocket\r\n";
                case 405 -> "Allow: GET\r\n";
                default -> "";
            };
            return "HTTP/1.1 " + status + " " + phrase(status) + "\r\n"
                    + extra
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                    + "Connection: close\r\n"
                    + "\r\n"
                    + body;
        }

        private static String phrase(int status) {
            return switch (status) {
                case 403 -> "Forbidden";
                case 405 -> "Method Not Allowed";
                case 426 -> "Upgrade Required";
                default -> "Bad Request";
            };
        }
    }

    /** A refusal with {@code status} and {@code reason}. */
    static HandshakeResult refuse(int status, String reason) {
        return new Refused(status, reason);
    }

    /** 426 for a version other than 13, naming the one we speak (section 4.4). */
    static HandshakeResult wrongVersion(String version) {
        return new Refused(426, "Sec-WebSocket-Version " + version + " not supported; use " + WebSocketHandshake.VERSION);
    }
}
