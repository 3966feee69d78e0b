package io.jselectors.bench.wsplugin;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketEndpointProvider;
import io.jselectors.protocol.WebSocketSession;
import io.netty.buffer.ByteBuf;

/**
 * Our side of the WebSocket echo benchmark, as a plugin: a WebSocket endpoint on {@value #PATH} of
 * the server's http listeners (the counterpart of {@code NettyWebSocketServer}), added through the
 * endpoint SPI as any third-party plugin would. Text messages go back as text, binary as binary,
 * each as the bytes that came (no String in between). Built into its own jar ({@code
 * bench/target/bench-VERSION-wsecho-plugin.jar}) holding only this package and its services file;
 * the server supplies the rest.
 *
 * {@snippet lang=sh :
 * mkdir -p /tmp/wsplugin && cp bench/target/bench-*-wsecho-plugin.jar /tmp/wsplugin/
 * ./jselectors serve --plugins /tmp/wsplugin --listen http=127.0.0.1:9003 --workers 1 --admin off
 * }
 */
public final class WsEchoPlugin implements WebSocketEndpointProvider {

    /** The endpoint's path, the same as the Netty server's. */
    public static final String PATH = "/echo";

    @Override
    public String name() {
        return "wsecho";
    }

    @Override
    public String defaultPath() {
        return PATH;
    }

    @Override
    public WebSocketEndpoint newEndpoint(ListenerContext listener, String path) {
        return new Echo();
    }

    /** Writes every message back as it came. */
    private static final class Echo implements WebSocketEndpoint {

        @Override
        public void onTextBytes(WebSocketSession session, ByteBuf utf8) {
            session.sendText(utf8);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            session.sendBinary(data);
        }
    }
}
