package io.jselectors.selector.nio;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the nio backend does: channel checks, handles, accept and connect readiness. */
class NioSelectorTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final Selector s = Selector.open("nio");
    private final Pipe pipe = Pipe.open();

    NioSelectorTest() throws IOException {
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        s.close();
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void rawIntFdsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.register(0, EVENT_READ));
        assertThat(e.getMessage()).contains("the nio backend takes SelectableChannels; raw fds need a native backend");
    }

    @Test
    void blockingChannelIsRefusedAndNotChanged() throws IOException {
        try (SocketChannel blocking = SocketChannel.open()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> s.register(blocking, EVENT_READ));
            assertThat(e.getMessage()).contains("configureBlocking(false)");
            assertThat(blocking.isBlocking()).isTrue();
            assertThat(s.getMap()).isEmpty();
        }
    }

    @Test
    void eventTheChannelCannotHaveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> s.register(pipe.sink(), EVENT_READ));
        assertThrows(IllegalArgumentException.class, () -> s.register(pipe.source(), EVENT_WRITE));
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void handlesAreTheLowestFreeNumbersAndFindTheirKeys() throws IOException {
        SelectorKey source = s.register(pipe.source(), EVENT_READ);
        SelectorKey sink = s.register(pipe.sink(), EVENT_WRITE);
        assertEquals(List.of(0, 1), List.of(source.fd(), sink.fd()));
        assertSame(sink, s.getKey(1));
        s.unregister(pipe.source());
        assertThrows(IllegalArgumentException.class, () -> s.getKey(0), "a free handle is no file object");
        Pipe other = Pipe.open();
        try (Pipe.SourceChannel otherSource = other.source(); Pipe.SinkChannel otherSink = other.sink()) {
            otherSource.configureBlocking(false);
            assertEquals(0, s.register(otherSource, EVENT_READ).fd(), "handle 0 is reused");
        }
    }

    @Test
    void listenerIsReadableWhenAConnectionWaits() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            SelectorKey key = s.register(listener, EVENT_READ, "accept");
            assertEquals(List.of(), s.select(Duration.ZERO));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
                assertEquals(List.of(new Ready(key, EVENT_READ)), s.select(WAIT));
                try (SocketChannel accepted = listener.accept()) {
                    assertThat(accepted).isNotNull();
                }
            }
        }
    }

    @Test
    void connectInProgressReportsWriteWhenItCompletes() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open();
                SocketChannel client = SocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            client.configureBlocking(false);
            boolean connected = client.connect(listener.getLocalAddress());
            SelectorKey key = s.register(client, EVENT_WRITE);
            assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(WAIT));
            if (!connected) {
                assertThat(client.finishConnect()).isTrue();
            }
            // Connected now: WRITE keeps being reported, through OP_WRITE this time.
            assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(WAIT));
        }
    }
}
