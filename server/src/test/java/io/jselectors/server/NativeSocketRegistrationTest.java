package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.selector.HasFileno;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The native transport's sockets register as themselves ({@link HasFileno}), not as a boxed fd: a
 * connection's registration holds no {@link Integer} of its own, and register, modify and
 * unregister box nothing.
 */
class NativeSocketRegistrationTest {

    @Test
    void aStreamSocketIsItsOwnFileObjectAndGivesUpItsFdWhenClosed() throws Exception {
        NativeTransport transport = new NativeTransport();
        IoScratch scratch = transport.newScratch();
        try (Transport.ListenSocket listen = transport.listen(new InetSocketAddress("127.0.0.1", 0), 16, 0);
                Socket client = new Socket();
                Selector selector = Selector.open("epoll")) {
            assertThat(listen.fileobj()).isSameAs(listen).isInstanceOf(HasFileno.class);
            int listenFd = ((HasFileno) listen.fileobj()).fileno();
            assertThat(listenFd).isGreaterThanOrEqualTo(0);

            client.connect(listen.localAddress(), 5000);
            Transport.StreamSocket socket = null;
            for (int i = 0; i < 500 && socket == null; i++) {
                socket = listen.accept(scratch);
                if (socket == null) {
                    Thread.sleep(10);
                }
            }
            assertThat(socket).as("the accepted connection").isNotNull();
            Object fileobj = socket.fileobj();
            assertThat(fileobj).isSameAs(socket).isSameAs(socket.fileobj()).isNotInstanceOf(Integer.class);
            int fd = ((HasFileno) fileobj).fileno();
            assertThat(fd).isGreaterThanOrEqualTo(0).isNotEqualTo(listenFd);

            Object attachment = new Object();
            SelectorKey key = selector.register(socket.fileobj(), Selector.EVENT_READ, attachment);
            assertThat(key.fileobj()).isSameAs(socket);
            assertThat(key.fd()).isEqualTo(fd);
            assertThat(selector.getKey(fd)).isSameAs(key); // the number finds it too
            SelectorKey modified = selector.modify(socket.fileobj(), Selector.EVENT_READ | Selector.EVENT_WRITE, attachment);
            assertThat(modified.fileobj()).isSameAs(socket);
            assertThat(selector.unregister(socket.fileobj())).isSameAs(modified);
            assertThat(selector.getMap()).isEmpty();

            socket.close();
            assertThat(((HasFileno) fileobj).fileno()).as("fileno once closed").isEqualTo(-1);
        }
    }

    @Test
    void aClosedListenSocketGivesUpItsFd() throws Exception {
        NativeTransport transport = new NativeTransport();
        Transport.ListenSocket listen = transport.listen(new InetSocketAddress("127.0.0.1", 0), 16, 0);
        HasFileno h = (HasFileno) listen.fileobj();
        assertThat(h.fileno()).isGreaterThanOrEqualTo(0);
        listen.close();
        assertThat(h.fileno()).isEqualTo(-1);
    }
}
