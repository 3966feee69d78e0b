package io.jselectors.protocol.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebSocketHandshakeTest {

    /** The sample nonce of RFC 6455 section 1.3. */
    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static Map<String, List<String>> validHeaders() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("chat.example.org"));
        headers.put("Upgrade", List.of("WebSocket"));
        headers.put("Connection", List.of("keep-alive, Upgrade"));
        headers.put("Sec-WebSocket-Key", List.of(RFC_KEY));
        headers.put("Sec-WebSocket-Version", List.of("13"));
        return headers;
    }

    private static HandshakeResult evaluate(Map<String, List<String>> headers) {
        return WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of(), OriginPolicy.anyOrigin());
    }

    private static HandshakeResult without(String name) {
        Map<String, List<String>> headers = validHeaders();
        headers.remove(name);
        return evaluate(headers);
    }

    private static HandshakeResult with(String name, String... values) {
        Map<String, List<String>> headers = validHeaders();
        headers.put(name, List.of(values));
        return evaluate(headers);
    }

    @Test
    void acceptIsTheRfcExample() {
        assertThat(WebSocketHandshake.accept(RFC_KEY)).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void validUpgradeIsAcceptedWith101() {
        HandshakeResult result = evaluate(validHeaders());
        assertThat(result).isEqualTo(new HandshakeResult.Accepted("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", null));
        assertThat(result.toHttpResponse())
                .startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                .doesNotContain("Sec-WebSocket-Protocol")
                .endsWith("\r\n\r\n");
    }

    @Test
    void fieldNamesAreCaseInsensitive() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        validHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        assertThat(evaluate(headers)).isInstanceOf(HandshakeResult.Accepted.class);
    }

    @Test
    void otherMethodsGet405() {
        HandshakeResult result = WebSocketHandshake.evaluate(new UpgradeRequest("POST", validHeaders()), List.of(), OriginPolicy.anyOrigin());
        assertThat(result).isEqualTo(new HandshakeResult.Refused(405, "WebSocket upgrade requires GET, not POST"));
        assertThat(result.toHttpResponse()).contains("\r\nAllow: GET\r\n");
    }

    @Test
    void missingOrWrongUpgradeFieldsGet400WithTheReason() {
        assertThat(without("Upgrade")).isEqualTo(new HandshakeResult.Refused(400, "missing Upgrade: websocket"));
        assertThat(with("Upgrade", "h2c")).isEqualTo(new HandshakeResult.Refused(400, "missing Upgrade: websocket"));
        assertThat(with("Connection", "keep-alive")).isEqualTo(new HandshakeResult.Refused(400, "Connection does not list upgrade"));
        assertThat(without("Sec-WebSocket-Version")).isEqualTo(new HandshakeResult.Refused(400, "missing or repeated Sec-WebSocket-Version"));
        assertThat(without("Sec-WebSocket-Key").toHttpResponse())
                .startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("\r\n\r\nSec-WebSocket-Key must be 16 bytes in base64\n");
    }

    @Test
    void keyMustDecodeToSixteenBytes() {
        assertThat(with("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")).isInstanceOf(HandshakeResult.Refused.class); // 15 bytes
        assertThat(with("Sec-WebSocket-Key", "not base64 at all!!!!!!!")).isInstanceOf(HandshakeResult.Refused.class);
        assertThat(with("Sec-WebSocket-Key", RFC_KEY, RFC_KEY)).isInstanceOf(HandshakeResult.Refused.class);
        assertThat(with("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")).isInstanceOf(HandshakeResult.Accepted.class);
    }

    @Test
    void wrongVersionGets426NamingVersion13() {
        HandshakeResult result = with("Sec-WebSocket-Version", "8");
        assertThat(result).isEqualTo(new HandshakeResult.Refused(426, "Sec-WebSocket-Version 8 not supported; use 13"));
        assertThat(result.toHttpResponse())
                .startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                .contains("\r\nSec-WebSocket-Version: 13\r\n");
    }

    @Test
    void firstSupportedSubprotocolInOurOrderIsChosen() {
        Map<String, List<String>> headers = validHeaders();
        headers.put("Sec-WebSocket-Protocol", List.of("mqtt, chat.v2", "chat.v1"));
        HandshakeResult result = WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of("chat.v1", "chat.v2"), OriginPolicy.anyOrigin());
        assertThat(result).isEqualTo(new HandshakeResult.Accepted(WebSocketHandshake.accept(RFC_KEY), "chat.v1"));
        assertThat(result.toHttpResponse()).contains("\r\nSec-WebSocket-Protocol: chat.v1\r\n");

        HandshakeResult none = WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of("stomp"), OriginPolicy.anyOrigin());
        assertThat(none).isEqualTo(new HandshakeResult.Accepted(WebSocketHandshake.accept(RFC_KEY), null));
    }

    @Test
    void originOutsideTheAllowListGets403() {
        OriginPolicy policy = OriginPolicy.allowList(List.of("https://chat.example.org"));
        Map<String, List<String>> headers = validHeaders();
        headers.put("Origin", List.of("https://evil.example"));
        assertThat(WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of(), policy))
                .isEqualTo(new HandshakeResult.Refused(403, "origin not allowed"));
        headers.put("Origin", List.of("HTTPS://Chat.Example.org"));
        assertThat(WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of(), policy))
                .isInstanceOf(HandshakeResult.Accepted.class);
        headers.remove("Origin");
        assertThat(WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of(), policy))
                .isInstanceOf(HandshakeResult.Accepted.class);
        assertThat(WebSocketHandshake.evaluate(new UpgradeRequest("GET", headers), List.of(), OriginPolicy.allowListOnly(List.of("https://chat.example.org"))))
                .isEqualTo(new HandshakeResult.Refused(403, "origin not allowed"));
    }

    @Test
    void sameOriginAllowsOnlyPagesOfTheRequestedHost() {
        OriginPolicy policy = OriginPolicy.sameOrigin();
        assertThat(policy.allows("http://chat.example.org:8080", "chat.example.org:8080")).isTrue();
        assertThat(policy.allows("https://CHAT.example.org", "chat.example.org")).isTrue();
        assertThat(policy.allows("http://evil.example", "chat.example.org")).isFalse();
        assertThat(policy.allows("http://chat.example.org", null)).isFalse();
        assertThat(policy.allows(null, "chat.example.org")).as("not a browser").isTrue();
    }
}
