package io.jselectors.bench;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

/**
 * The WebSocket echo we measure ourselves against: Netty 4.2 on the native epoll transport with
 * {@link HttpServerCodec}, an {@link HttpObjectAggregator} for the upgrade request and {@link
 * WebSocketServerProtocolHandler} on {@value #PATH} (it does the RFC 6455 handshake, answers pings,
 * handles close, checks masking and UTF-8); every text or binary frame is written back as it came,
 * and each read batch is flushed once; any other request gets a 404. One acceptor thread, {@code workers} I/O threads (1 by
 * default), loopback only.
 *
 * {@snippet lang=sh :
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp bench/target/jselectors-bench.jar io.jselectors.bench.NettyWebSocketServer 9002 1
 * }
 */
public final class NettyWebSocketServer implements AutoCloseable {

    /** The echo endpoint's path (the same as the bench plugin's on our server). */
    public static final String PATH = "/echo";

    /** The largest message accepted, as our server's default message cap (1 MiB). */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** The largest upgrade request the aggregator takes (its body is empty; this bounds a hostile one). */
    static final int MAX_UPGRADE_REQUEST_BYTES = 8 * 1024;

    private final NettyEpoll epoll;

    private NettyWebSocketServer(NettyEpoll epoll) {
        this.epoll = epoll;
    }

    /** Writes data frames back as they are; flushes once per read batch. */
    @ChannelHandler.Sharable
    static final class EchoFrames extends BatchFlushingHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else if (msg instanceof FullHttpRequest request) {
                // Not an upgrade on PATH: the protocol handler passed it on.
                request.release();
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Starts on {@code 127.0.0.1:port} (0: any free port) with {@code workerCount} I/O threads. */
    public static NettyWebSocketServer start(int port, int workerCount) throws InterruptedException {
        return start(port, workerCount, null);
    }

    /** The same behind TLS ({@code tls} null: plaintext); {@link NettyTlsServer}'s {@code ws}. */
    static NettyWebSocketServer start(int port, int workerCount, SslContext tls) throws InterruptedException {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(false)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .build();
        EchoFrames echo = new EchoFrames();
        return new NettyWebSocketServer(NettyEpoll.bind(port, workerCount, NettyTls.first(tls, p -> p.addLast(
                new HttpServerCodec(), new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES),
                new WebSocketServerProtocolHandler(config), echo)), workers -> { }));
    }

    NettyEpoll epoll() {
        return epoll;
    }

    /** The port it listens on. */
    public int port() {
        return epoll.port();
    }

    /** Closes the listener and every connection, and stops the threads. */
    @Override
    public void close() {
        epoll.close();
    }

    /** {@code NettyWebSocketServer PORT [WORKERS]}: serves until killed (SIGTERM stops it cleanly). */
    public static void main(String[] args) throws InterruptedException {
        NettyEpoll.serve("NettyWebSocketServer", "websocket", args, (port, workers) -> start(port, workers).epoll);
    }
}
