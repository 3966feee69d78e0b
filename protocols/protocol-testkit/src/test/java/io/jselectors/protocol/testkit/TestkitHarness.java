package io.jselectors.protocol.testkit;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The contract suite's view of the testkit: a {@link ProtocolTester} whose protocol hands out the
 * handlers the tests give, and the test playing the peer through {@link TestConnection}; over TLS
 * the tester's in-memory TLS client plays it. Closing it closes the tester, which fails on any
 * leaked buffer (PARANOID leak tracking).
 */
final class TestkitHarness implements ConnectionContract.Harness {

    /**
     * What the fake socket holds that the peer has not taken, as a real socket's buffers do: with
     * no bound the whole of a queued file would cross at the first flush, and the cases about
     * what happens while a file is still queued could not happen here.
     */
    private static final long SOCKET_BYTES = 256 * 1024;

    private final ArrayDeque<ProtocolHandler> handlers = new ArrayDeque<>();
    private final ProtocolTester tester;

    TestkitHarness() {
        this(false);
    }

    TestkitHarness(boolean overTls) {
        ProtocolTester.Builder builder = ProtocolTester.builder("contract", listener -> handlers.poll());
        tester = (overTls ? builder.tls() : builder).build();
    }

    @Override
    public ConnectionContract.Peer connect(ProtocolHandler handler) {
        handlers.add(handler);
        return new Peer(tester.connect().socketCapacity(SOCKET_BYTES));
    }

    @Override
    public void run(Connection connection, Runnable task) {
        connection.loop().execute(task);
        tester.runPending();
    }

    @Override
    public void drive() {
        tester.runPending();
    }

    @Override
    public void close() {
        tester.close();
    }

    /** The test as the peer; bytes it took beyond what a read asked for wait for the next read. */
    private static final class Peer implements ConnectionContract.Peer {
        private final TestConnection connection;
        private byte[] surplus = new byte[0];

        Peer(TestConnection connection) {
            this.connection = connection;
        }

        @Override
        public void send(byte[] bytes) {
            connection.receive(bytes);
        }

        @Override
        public byte[] read(int n) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            got.writeBytes(surplus);
            while (got.size() < n) {
                byte[] more = connection.takeOutput();
                if (more.length == 0) {
                    throw new IOException("the peer expected " + n + " bytes; the connection sent " + got.size());
                }
                got.writeBytes(more);
            }
            byte[] all = got.toByteArray();
            surplus = Arrays.copyOfRange(all, n, all.length);
            return Arrays.copyOf(all, n);
        }

        @Override
        public byte[] readToEnd() throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            got.writeBytes(surplus);
            surplus = new byte[0];
            while (true) {
                byte[] more = connection.takeOutput();
                got.writeBytes(more);
                if (!connection.isOpen()) {
                    got.writeBytes(connection.takeOutput());
                    return got.toByteArray();
                }
                if (more.length == 0) {
                    throw new IOException("the connection is still open and sends nothing more");
                }
            }
        }

        @Override
        public void shutdownOutput() {
            connection.peerShutdownOutput();
        }

        @Override
        public void reset() {
            connection.peerReset();
        }

        @Override
        public void close() {
            if (connection.isOpen()) {
                connection.peerReset();
            }
        }
    }
}
