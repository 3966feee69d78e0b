package io.jselectors.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
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
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
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

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;

    private NettyHttpServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
    }

    private static AsciiString now() {
        return new AsciiString(DateFormatter.format(new Date()));
    }

    /** Answers each request as it is decoded; writes are flushed once per read batch. */
    @ChannelHandler.Sharable
    static final class HelloHandler extends ChannelInboundHandlerAdapter {

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

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer that resets its connection is normal at the end of a load run.
            ctx.close();
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
        if (workerCount < 1 || workerCount > NettyEchoServer.MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be in [1, " + NettyEchoServer.MAX_WORKERS + "], got " + workerCount);
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is not available", Epoll.unavailabilityCause());
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerCount, EpollIoHandler.newFactory());
        try {
            HelloHandler handler = new HelloHandler();
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(true))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), handler);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
            workers.next().scheduleAtFixedRate(() -> date = now(), 1, 1, TimeUnit.SECONDS);
            return new NettyHttpServer(boss, workers, listener);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Blocks until the listener is closed. */
    public void awaitClose() throws InterruptedException {
        listener.closeFuture().sync();
    }

    /** Closes the listener and every connection, and stops the threads. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code NettyHttpServer PORT [WORKERS]}: serves until killed (SIGTERM stops it cleanly). */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: NettyHttpServer PORT [WORKERS]   (listens on 127.0.0.1, 1 worker by default)");
            System.exit(2);
        }
        int port;
        int workerCount;
        try {
            port = Integer.parseInt(args[0]);
            workerCount = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        } catch (NumberFormatException e) {
            System.err.println("NettyHttpServer: PORT and WORKERS must be integers: " + e.getMessage());
            System.exit(2);
            return;
        }
        NettyHttpServer server = start(port, workerCount);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "netty-http-shutdown"));
        System.out.println("netty http server on 127.0.0.1:" + server.port() + ", " + workerCount + " worker(s), epoll");
        server.awaitClose();
    }
}
