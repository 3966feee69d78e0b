package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HttpLoad against the Netty HTTP reference server on an ephemeral 127.0.0.1 port, briefly. */
class HttpLoadNettyTest {

    @BeforeEach
    void needsNettyEpoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(),
                () -> "Netty's native epoll transport is not available here: " + Epoll.unavailabilityCause());
    }

    private static HttpLoad.Result run(int port, int connections, int depth, String path, String body) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
        try (HttpLoad load = new HttpLoad(new HttpLoadOptions(address, connections, depth, path, body, 0.5, 0, null, 0))) {
            return load.run();
        }
    }

    @Test
    void keepAliveAndPipelinedHelloAreAllCheckedResponses() throws Exception {
        try (NettyHttpServer server = NettyHttpServer.start(0, 1)) {
            for (int depth : new int[] {1, 16}) {
                HttpLoad.Result r = run(server.port(), 8, depth, "/hello", "Hello, World!");
                assertThat(r.firstError()).as("depth %d", depth).isNull();
                assertThat(r.clean()).isTrue();
                assertThat(r.alive()).isEqualTo(8);
                assertThat(r.responses()).isPositive();
                assertThat(r.line()).contains("depth=" + depth, "errors=0", "non2xx=0", "rps=");
            }
        }
    }

    @Test
    void otherPathsCountAsNon2xxAndAWrongBodyAsAMismatch() throws Exception {
        try (NettyHttpServer server = NettyHttpServer.start(0, 1)) {
            HttpLoad.Result missing = run(server.port(), 2, 2, "/nope", "Hello, World!");
            assertThat(missing.errors()).isZero();
            assertThat(missing.non200()).isPositive().isEqualTo(missing.responses());
            assertThat(missing.clean()).isFalse();

            HttpLoad.Result wrong = run(server.port(), 2, 1, "/hello", "Hello, Moon!!");
            assertThat(wrong.mismatches()).isEqualTo(2);
            assertThat(wrong.alive()).isZero();
            assertThat(wrong.firstError()).contains("differs");
        }
    }
}
