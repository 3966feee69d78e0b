package io.jselectors.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server we measure ourselves against: Netty 4.2 on the native epoll transport with
 * {@link HttpServerCodec}, written the way Netty's fastest published servers (its TechEmpower
 * entry) are: the {@code Hello, World!} body is one direct buffer whose duplicates are written,
 * every header name and value is a pre-encoded {@link AsciiString}, the {@code Date} value is
 * rebuilt once a second instead of per response, headers skip validation, and each read batch is
 * flushed once ({@code channelReadComplete}), so pipelined requests share one write.
 *
 * <p>{@code GET /hello} answers {@code 200 Hello, World!} as {@code text/plain}; anything else is
 * a {@code 404}. Keep-alive follows {@link HttpUtil#isKeepAlive}. One acceptor thread, {@code
 * workers} I/O threads (1 by default, as our server's {@code --workers 1}), loopback only.
 *
 * {@snippet lang=sh :
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp bench/target/jselectors-bench.jar io.jselectors.bench.NettyHttpServer 9001 1
 * }
 */
public final class NettyHttpServer implements AutoCloseable {

    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(13).writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)));
    private static final ByteBuf NOT_FOUND = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(10).writeBytes("Not Found\n".getBytes(StandardCharsets.US_ASCII)));
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString SERVER_NAME = AsciiString.cached("netty");
    private static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(HELLO.readableBytes()));
    private static final AsciiString NOT_FOUND_LENGTH = AsciiString.cached(Integer.toString(NOT_FOUND.readableBytes()));

    /** The current {@code Date} value; one writer (a timer on a worker loop), read by every loop. */
    private static volatile AsciiString date = now();

    private final NettyEpoll epoll;

    private NettyHttpServer(NettyEpoll epoll) {
        this.epoll = epoll;
    }

    private static AsciiString now() {
        return new AsciiString(DateFormatter.format(new Date()));
    }

    /** Answers each request as it is decoded; writes are flushed once per read batch. */
    @ChannelHandler.Sharable
    static final class HelloHandler extends BatchFlushingHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                // The codec also hands over HttpContent pieces (a GET has only an empty last one).
                if (msg instanceof HttpRequest request) {
                    respond(ctx, request);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void respond(ChannelHandlerContext ctx, HttpRequest request) {
            boolean hello = "/hello".equals(request.uri());
            ByteBuf body = (hello ? HELLO : NOT_FOUND).duplicate();
            HttpHeaders headers = new DefaultHttpHeaders(false);
            headers.set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN);
            headers.set(HttpHeaderNames.SERVER, SERVER_NAME);
            headers.set(HttpHeaderNames.DATE, date);
            headers.set(HttpHeaderNames.CONTENT_LENGTH, hello ? HELLO_LENGTH : NOT_FOUND_LENGTH);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    hello ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, body, headers, EmptyHttpHeaders.INSTANCE);
            if (HttpUtil.isKeepAlive(request)) {
                ctx.write(response, ctx.voidPromise());
            } else {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * Starts listening on {@code 127.0.0.1:port} (0 picks a free port) with {@code workerCount} I/O
     * threads.
     *
     * @throws IllegalStateException if the native epoll transport cannot be loaded here
     * @throws InterruptedException if interrupted while binding
     */
    public static NettyHttpServer start(int port, int workerCount) throws InterruptedException {
        return start(port, workerCount, null);
    }

    /** The same behind TLS ({@code tls} null: plaintext); {@link NettyTlsServer}'s {@code http}. */
    static NettyHttpServer start(int port, int workerCount, SslContext tls) throws InterruptedException {
        HelloHandler handler = new HelloHandler();
        return new NettyHttpServer(NettyEpoll.bind(port, workerCount,
                NettyTls.first(tls, p -> p.addLast(new HttpServerCodec(), handler)),
                workers -> workers.next().scheduleAtFixedRate(() -> date = now(), 1, 1, TimeUnit.SECONDS)));
    }

    NettyEpoll epoll() {
        return epoll;
    }

    /** The port it listens on. */
    public int port() {
        return epoll.port();
    }

    /** Blocks until the listener is closed. */
    public void awaitClose() throws InterruptedException {
        epoll.awaitClose();
    }

    /** Closes the listener and every connection, and stops the threads. */
    @Override
    public void close() {
        epoll.close();
    }

    /** {@code NettyHttpServer PORT [WORKERS]}: serves until killed (SIGTERM stops it cleanly). */
    public static void main(String[] args) throws InterruptedException {
        NettyEpoll.serve("NettyHttpServer", "http", args, (port, workers) -> start(port, workers).epoll);
    }
}
