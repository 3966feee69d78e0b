package io.jselectors.bench.wsplugin;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.http.HttpProtocol;
import io.jselectors.protocol.websocket.WebSocketRoute;
import io.netty.buffer.ByteBuf;

/**
 * Our side of the WebSocket echo benchmark, as a protocol plugin: the server's own HTTP protocol
 * ({@link HttpProtocol#embedded}) with one WebSocket echo endpoint on {@value #PATH}, the
 * counterpart of {@code NettyWebSocketServer}. Text messages are sent back as text, binary as
 * binary. Built into its own jar ({@code bench/target/bench-VERSION-wsecho-plugin.jar}) holding
 * only this package and its services file; the server's class loader supplies the HTTP and
 * WebSocket classes.
 *
 * {@snippet lang=sh :
 * mkdir -p /tmp/wsplugin && cp bench/target/bench-*-wsecho-plugin.jar /tmp/wsplugin/
 * ./jselectors serve --plugins /tmp/wsplugin --listen wsecho=127.0.0.1:9003 --workers 1 --admin off
 * }
 */
public final class WsEchoPlugin implements Protocol {

    /** The endpoint's path, the same as the Netty server's. */
    public static final String PATH = "/echo";

    /** A port of its own, clear of the built-in protocols' defaults. */
    public static final int DEFAULT_PORT = 7180;

    private final Protocol http = HttpProtocol.embedded("wsecho", DEFAULT_PORT,
            "WebSocket echo on " + PATH + " (benchmark plugin)",
            routes -> routes.addWebSocket(PATH, WebSocketRoute.of(new Echo())));

    /** Writes every message back as it came. */
    private static final class Echo implements WebSocketEndpoint {

        @Override
        public void onText(WebSocketSession session, String text) {
            session.sendText(text);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            session.sendBinary(data);
        }
    }

    @Override
    public String name() {
        return http.name();
    }

    @Override
    public int defaultPort() {
        return http.defaultPort();
    }

    @Override
    public String description() {
        return http.description();
    }

    @Override
    public Object createSharedState(ListenerContext listener) {
        return http.createSharedState(listener);
    }

    @Override
    public ProtocolHandler newHandler(ListenerContext listener) {
        return http.newHandler(listener);
    }

    @Override
    public byte[] refusal() {
        return http.refusal();
    }
}
