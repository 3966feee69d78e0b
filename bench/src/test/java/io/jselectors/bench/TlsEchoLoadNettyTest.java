package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TlsEchoLoad against NettyTlsServer's echo (SslHandler on the JDK provider), ephemeral 127.0.0.1 ports. */
class TlsEchoLoadNettyTest {

    @TempDir
    static Path dir;
    private static TestCertificate certificate;
    private static SslContext tls;

    @BeforeAll
    static void certificate() throws Exception {
        certificate = TestCertificate.write(dir);
        tls = NettyTls.serverContext(certificate.cert().toFile(), certificate.key().toFile());
    }

    @BeforeEach
    void needsNettyEpoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(),
                () -> "Netty's native epoll transport is not available here: " + Epoll.unavailabilityCause());
    }

    private static TlsEchoLoad.Options options(int port, int connections, int depth, int size) {
        return new TlsEchoLoad.Options(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port), certificate.cert(),
                connections, depth, size, 1, 0.2, ProcessHandle.current().pid(), null);
    }

    @Test
    void everyMessageComesBackThroughNettysSslHandler() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(0, 1, new NettyEchoServer.EchoHandler(), tls)) {
            BlockingLoad.Result r = TlsEchoLoad.run(options(server.port(), 4, 3, 64));
            assertThat(r.firstError()).isNull();
            assertThat(r.clean()).isTrue();
            assertThat(r.ops()).isPositive();
            assertThat(r.line("tls-echo")).contains("conns=4", "errors=0", "depth=3", "size=64", "server_us_per_op=",
                    "cipher=TLSv1.3/");
        }
    }

    @Test
    void sixteenKibMessagesAreOneRecordEach() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(0, 1, new NettyEchoServer.EchoHandler(), tls)) {
            BlockingLoad.Result r = TlsEchoLoad.run(options(server.port(), 2, 1, TlsEchoLoad.MAX_SIZE));
            assertThat(r.clean()).as(r.firstError()).isTrue();
        }
    }

    /** Flips one byte of every read: the generator must notice. */
    @ChannelHandler.Sharable
    static final class Corrupting extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            b.setByte(b.writerIndex() - 1, b.getByte(b.writerIndex() - 1) ^ 1);
            ctx.writeAndFlush(b);
        }
    }

    @Test
    void aWrongByteIsAnError() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start(0, 1, new Corrupting(), tls)) {
            BlockingLoad.Result r = TlsEchoLoad.run(options(server.port(), 2, 1, 64));
            assertThat(r.clean()).isFalse();
            assertThat(r.errors()).isEqualTo(2);
            assertThat(r.firstError()).contains("message 0");
        }
    }

    @Test
    void optionsAreChecked() {
        String cert = certificate.cert().toString();
        TlsEchoLoad.Options o = TlsEchoLoad.Options.parse(new String[] {"-p", "7443", "--cacert", cert, "-s", "16384", "-d", "2"});
        assertThat(o.size()).isEqualTo(16_384);
        assertThat(o.depth()).isEqualTo(2);
        assertThat(o.connections()).isEqualTo(100);
        assertThatThrownBy(() -> TlsEchoLoad.Options.parse(new String[] {"-p", "7443", "--cacert", cert, "-s", "16385"}))
                .hasMessageContaining("-s must be in [8, 16384]");
        assertThatThrownBy(() -> TlsEchoLoad.Options.parse(new String[] {"-p", "7443"})).hasMessageContaining("--cacert");
        assertThatThrownBy(() -> TlsEchoLoad.Options.parse(new String[] {"-p", "7443", "--cacert", cert, "--host", "10.0.0.1"}))
                .hasMessageContaining("non-loopback");
    }
}
