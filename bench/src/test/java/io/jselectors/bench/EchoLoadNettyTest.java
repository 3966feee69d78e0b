package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EchoLoad against the Netty reference server on an ephemeral 127.0.0.1 port. */
class EchoLoadNettyTest {

    @BeforeEach
    void needsNettyEpoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(),
                () -> "Netty's native epoll transport is not available here: " + Epoll.unavailabilityCause());
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
    }

    private static EchoLoad.Result run(EchoLoadOptions options) throws IOException {
        try (EchoLoad load = new EchoLoad(options)) {
            return load.run();
        }
    }

    @Test
    void everyByteComesBackFromNettyForOneSecond() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(0, 1)) {
            // The server runs in this JVM, so its CPU time is this process's.
            long pid = ProcessHandle.current().pid();
            EchoLoad.Result result = run(new EchoLoadOptions(loopback(server.port()), 10, 2, 64, 1, 0, null, pid));
            assertThat(result.firstError()).isNull();
            assertThat(result.clean()).isTrue();
            assertThat(result.alive()).isEqualTo(10);
            assertThat(result.roundTripsPerSecond()).isPositive();
            assertThat(result.line()).contains("conns=10", "depth=2", "size=64", "errors=0", "mismatches=0");
            assertThat(result.server()).isNotNull();
            assertThat(result.server().serverUsPerOp()).isPositive();
            assertThat(result.line()).contains("server_us_per_op=", "peak_rss_MiB=");
        }
    }

    @Test
    void messagesLargerThanOneReadAreCheckedAcrossReads() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(0, 1)) {
            EchoLoad.Result result = run(new EchoLoadOptions(loopback(server.port()), 3, 4, 300_000, 0.3, 0, null, 0));
            assertThat(result.firstError()).isNull();
            assertThat(result.bytes()).isGreaterThan(300_000);
        }
    }

    /** Echoes, but flips one bit of the 1000th byte each connection sends. */
    @ChannelHandler.Sharable
    static final class CorruptingEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            long seen = ctx.channel().hasAttr(SEEN) ? ctx.channel().attr(SEEN).get() : 0;
            long target = 999 - seen;
            if (target >= 0 && target < buf.readableBytes()) {
                int at = buf.readerIndex() + (int) target;
                buf.setByte(at, buf.getByte(at) ^ 1);
            }
            ctx.channel().attr(SEEN).set(seen + buf.readableBytes());
            ctx.writeAndFlush(buf);
        }

        static final io.netty.util.AttributeKey<Long> SEEN = io.netty.util.AttributeKey.valueOf("bench.seen");
    }

    @Test
    void aCorruptedByteIsReportedAsAMismatch() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(0, 1, new CorruptingEcho())) {
            // The run ends as soon as both connections have failed; 30 s only bounds a machine so
            // loaded that the 16 round trips before byte 999 take that long.
            EchoLoad.Result result = run(new EchoLoadOptions(loopback(server.port()), 2, 1, 64, 30, 0, null, 0));
            assertThat(result.mismatches()).isEqualTo(2);
            assertThat(result.errors()).isEqualTo(2);
            assertThat(result.alive()).isZero();
            assertThat(result.clean()).isFalse();
            assertThat(result.firstError()).contains("differ from those sent");
            assertThat(result.line()).contains("errors=2", "mismatches=2");
        }
    }

    @Test
    void aServerThatIsNotThereIsAClearError() throws Exception {
        int port;
        try (NettyEchoServer server = NettyEchoServer.start(0, 1)) {
            port = server.port(); // closed below, so nothing listens there any more
        }
        try (EchoLoad load = new EchoLoad(new EchoLoadOptions(loopback(port), 2, 1, 64, 1, 0, null, 0))) {
            assertThatThrownBy(load::run).isInstanceOf(IOException.class).hasMessageContaining("ECONNREFUSED");
        }
    }
}
