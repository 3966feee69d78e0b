package io.jselectors.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Netty setup {@link NettyEchoServer} and {@link NettyHttpServer} share, so the two baselines
 * differ only in their pipelines: one acceptor thread and {@code workers} I/O threads on the native
 * epoll transport, a pooled direct allocator, TCP_NODELAY, a 1024 backlog, loopback only; and the
 * same {@code PORT [WORKERS]} command line.
 */
final class NettyEpoll implements AutoCloseable {

    /** Starts a server on {@code port} with {@code workerCount} threads; what {@link #serve} runs. */
    @FunctionalInterface
    interface Starter {
        NettyEpoll start(int port, int workerCount) throws InterruptedException;
    }

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;

    private NettyEpoll(EventLoopGroup boss, EventLoopGroup workers, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
    }

    /**
     * Listens on {@code 127.0.0.1:port} (0 picks a free port) with {@code workerCount} I/O threads,
     * each accepted channel's pipeline set up by {@code pipeline}; {@code onBound} then gets the
     * worker group (e.g. to schedule a task), and if it throws the threads are stopped as well.
     *
     * @throws IllegalStateException if the native epoll transport cannot be loaded here
     * @throws InterruptedException if interrupted while binding
     */
    static NettyEpoll bind(int port, int workerCount, Consumer<ChannelPipeline> pipeline,
            Consumer<EventLoopGroup> onBound) throws InterruptedException {
        if (workerCount < 1 || workerCount > NettyEchoServer.MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be in [1, " + NettyEchoServer.MAX_WORKERS + "], got " + workerCount);
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is not available", Epoll.unavailabilityCause());
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerCount, EpollIoHandler.newFactory());
        try {
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
                            pipeline.accept(ch.pipeline());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
            onBound.accept(workers);
            return new NettyEpoll(boss, workers, listener);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port it listens on. */
    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Blocks until the listener is closed. */
    void awaitClose() throws InterruptedException {
        listener.closeFuture().sync();
    }

    /** Closes the listener and every connection, and stops the threads. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The servers' {@code main}: {@code NAME PORT [WORKERS]}, then serves until killed (SIGTERM
     * stops it cleanly). {@code kind} ("echo", "http") names the shutdown thread and the banner.
     */
    static void serve(String name, String kind, String[] args, Starter starter) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: " + name + " PORT [WORKERS]   (listens on 127.0.0.1, 1 worker by default)");
            System.exit(2);
        }
        int port;
        int workerCount;
        try {
            port = Integer.parseInt(args[0]);
            workerCount = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        } catch (NumberFormatException e) {
            System.err.println(name + ": PORT and WORKERS must be integers: " + e.getMessage());
            System.exit(2);
            return;
        }
        NettyEpoll server = starter.start(port, workerCount);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "netty-" + kind + "-shutdown"));
        System.out.println("netty " + kind + " server on 127.0.0.1:" + server.port() + ", " + workerCount + " worker(s), epoll");
        server.awaitClose();
    }
}
