package io.jselectors.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A closed-loop TLS echo load generator: {@code -c} connections, each with {@code -d} messages of
 * {@code -s} bytes in flight (each message is written as one TLS record), for {@code -t} seconds
 * after {@code -w} seconds of warm-up. Every echoed message is checked: its first 8 bytes are the
 * connection's sequence number (so a lost, repeated or reordered message is caught), the rest the
 * connection's own pattern. The client is the JDK's {@code SSLSocket} on virtual threads
 * ({@link BlockingLoad}); it trusts exactly the certificate in {@code --cacert}.
 *
 * <p>Prints a summary on stderr and one {@code key=value} line on stdout ({@code rtt_per_s} =
 * messages echoed per second; with {@code --server-pid} also {@code server_us_per_op}, the
 * server's CPU time per echoed message, and {@code cipher}, the suite negotiated). Exit status 1
 * unless every connection stayed up and every byte came back right.
 *
 * {@snippet lang=sh :
 * java -cp bench/target/jselectors-bench.jar io.jselectors.bench.TlsEchoLoad -p 7443 --cacert dev-cert/cert.pem -c 100 -d 1 -s 64
 * }
 */
public final class TlsEchoLoad {

    /** Each message starts with an 8-byte sequence number. */
    static final int MIN_SIZE = Long.BYTES;

    /** One TLS record carries at most 16 KiB of plaintext (RFC 8446 section 5.1); a message is one record. */
    static final int MAX_SIZE = 16_384;

    /** Connections per run; more is a typo for this one-core generator. */
    static final int MAX_CONNECTIONS = 10_000;

    /** Messages in flight per connection. */
    static final int MAX_DEPTH = 1_024;

    private static final String USAGE = """
            usage: TlsEchoLoad -p PORT --cacert CERT.pem [-c CONNS] [-d DEPTH] [-s SIZE] [-t SECONDS] [-w WARMUP]
                               [--host 127.0.0.1] [--server-pid PID] [--window-file FILE]
              -c 100 connections, -d 1 messages in flight each, -s 64 bytes per message (8..16384),
              -t 10 s measured after -w 1 s; loopback only. Prints one key=value line on stdout.
              --window-file gets "start MILLIS" and "stop MILLIS" lines as the measured window opens and closes.
            """;

    private TlsEchoLoad() {
    }

    /** The parsed command line. */
    record Options(InetSocketAddress address, Path cacert, int connections, int depth, int size, double seconds,
            double warmup, long serverPid, Path windowFile) {

        static Options parse(String[] args) {
            LoadArgs common = new LoadArgs(0);
            int size = 64;
            Path cacert = null;
            Path windowFile = null;
            for (int i = 0; i < args.length; i += 2) {
                String value = LoadArgs.valueAfter(args, i);
                if (common.accept(args[i], value)) {
                    continue;
                }
                switch (args[i]) {
                    case "-s" -> size = LoadArgs.parseInt("-s", value);
                    case "--cacert" -> cacert = Path.of(value);
                    case "--window-file" -> windowFile = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (cacert == null || !Files.isReadable(cacert)) {
                throw new IllegalArgumentException("--cacert must name a readable PEM certificate file, got " + cacert);
            }
            LoadArgs.check("-c", common.connections, 1, MAX_CONNECTIONS);
            LoadArgs.check("-d", common.depth, 1, MAX_DEPTH);
            LoadArgs.check("-s", size, MIN_SIZE, MAX_SIZE);
            LoadArgs.checkDurations(common.seconds, common.warmup);
            return new Options(common.address(), cacert, common.connections, common.depth, size, common.seconds,
                    common.warmup, common.serverPid, windowFile);
        }
    }

    /** One TLS echo connection: writes {@code depth} messages, then one more per message echoed. */
    static final class EchoClient implements BlockingLoad.Client {

        private final SSLContext context;
        private final InetSocketAddress address;
        private final int depth;
        private final byte[] message;
        private final byte[] reply;
        private final AtomicReference<String> cipher;
        private volatile Socket socket;

        EchoClient(SSLContext context, InetSocketAddress address, int index, int depth, int size,
                AtomicReference<String> cipher) {
            this.context = context;
            this.address = address;
            this.depth = depth;
            this.message = new byte[size];
            this.reply = new byte[size];
            this.cipher = cipher;
            int seed = Payload.seedOf(index);
            for (int i = MIN_SIZE; i < size; i++) {
                message[i] = Payload.byteAt(seed + i);
            }
        }

        @Override
        public void open() throws IOException {
            Socket plain = new Socket();
            socket = plain;
            plain.setTcpNoDelay(true);
            plain.connect(address, (int) java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(BlockingLoad.CONNECT_TIMEOUT_NANOS));
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true);
            socket = tls;
            tls.startHandshake();
            cipher.compareAndSet(null, tls.getSession().getProtocol() + "/" + tls.getSession().getCipherSuite());
        }

        @Override
        public void loop(BlockingLoad run, int index) throws IOException {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long sent = 0;
            long received = 0;
            for (int i = 0; i < depth; i++) {
                send(out, sent++);
            }
            while (!run.stopped()) {
                readFully(in, reply);
                check(received++);
                run.done(index);
                send(out, sent++);
            }
        }

        private void send(OutputStream out, long seq) throws IOException {
            putLong(message, seq);
            out.write(message);
            out.flush();
        }

        private void check(long seq) throws IOException {
            if (getLong(reply) != seq) {
                throw new IOException("message " + seq + " came back as number " + getLong(reply));
            }
            for (int i = MIN_SIZE; i < reply.length; i++) {
                if (reply[i] != message[i]) {
                    throw new IOException("message " + seq + ": byte " + i + " differs");
                }
            }
        }

        @Override
        public void close() {
            BlockingLoad.closeQuietly(socket);
        }
    }

    static void readFully(InputStream in, byte[] buffer) throws IOException {
        readFully(in, buffer, buffer.length);
    }

    /** Reads exactly {@code length} bytes into the start of {@code buffer}. */
    static void readFully(InputStream in, byte[] buffer, int length) throws IOException {
        int n = 0;
        while (n < length) {
            int r = in.read(buffer, n, length - n);
            if (r < 0) {
                throw new IOException("the server closed the connection");
            }
            n += r;
        }
    }

    static void putLong(byte[] b, long v) {
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** Runs one load as {@code options} say. */
    static BlockingLoad.Result run(Options o) throws IOException {
        SSLContext context = TlsClientContext.trusting(o.cacert());
        AtomicReference<String> cipher = new AtomicReference<>();
        BlockingLoad.Client[] clients = new BlockingLoad.Client[o.connections()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new EchoClient(context, o.address(), i, o.depth(), o.size(), cipher);
        }
        return BlockingLoad.run(clients, o.warmup(), o.seconds(), o.serverPid(), o.windowFile(),
                () -> "depth=" + o.depth() + " size=" + o.size() + " cipher=" + cipher.get());
    }

    /** {@code TlsEchoLoad OPTIONS}: see {@code --help}. */
    public static void main(String[] args) {
        LoadLoop.main("TlsEchoLoad", USAGE, args, Options::parse, o -> outcome(run(o), "tls-echo"));
    }

    /** Adapts a result to what {@link LoadLoop#main} prints. */
    static LoadLoop.Outcome outcome(BlockingLoad.Result r, String what) {
        return new LoadLoop.Outcome() {
            @Override
            public String summary() {
                return r.summary(what);
            }

            @Override
            public String line() {
                return r.line(what);
            }

            @Override
            public boolean clean() {
                return r.clean();
            }
        };
    }
}
