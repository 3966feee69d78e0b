package io.jselectors.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTPS keep-alive load with every connection open before the measured window starts: {@code -c}
 * connections, each sending {@code -d} {@code GET --path} requests in one write (pipelined, as
 * wrk's pipeline script does) and the next batch once all {@code -d} answers are in. Every answer
 * must be a {@code 200} framed by {@code Content-Length} with the body {@code Hello, World!}.
 * wrk does the same, but counts its connections' TLS handshakes inside its run; on a machine too
 * busy to finish a hundred handshakes quickly that is most of a short slice, so this generator
 * exists to measure the keep-alive part alone.
 *
 * <p>Prints a summary on stderr and one {@code key=value} line on stdout ({@code rtt_per_s} =
 * responses per second; with {@code --server-pid} {@code server_us_per_op} = server CPU per
 * response). Exit status 1 unless every answer was right.
 */
public final class TlsHttpLoad {

    /** The body both servers answer {@code /hello} with. */
    static final String BODY = "Hello, World!";

    /** The longest response head read; both servers' are under 200 bytes. */
    static final int MAX_HEAD = 8 * 1024;

    private static final String USAGE = """
            usage: TlsHttpLoad -p PORT --cacert CERT.pem [--path /hello] [-c 100] [-d 1] [-t 10] [-w 1] [--server-pid PID]
              -d requests written together per connection (pipelined when above 1); loopback only.
            """;

    private TlsHttpLoad() {
    }

    /** The parsed command line. */
    record Options(InetSocketAddress address, Path cacert, String path, int connections, int depth, double seconds,
            double warmup, long serverPid) {

        static Options parse(String[] args) {
            LoadArgs common = new LoadArgs(0);
            Path cacert = null;
            String path = "/hello";
            for (int i = 0; i < args.length; i += 2) {
                String value = LoadArgs.valueAfter(args, i);
                if (common.accept(args[i], value)) {
                    continue;
                }
                switch (args[i]) {
                    case "--cacert" -> cacert = Path.of(value);
                    case "--path" -> path = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (cacert == null || !Files.isReadable(cacert)) {
                throw new IllegalArgumentException("--cacert must name a readable PEM certificate file, got " + cacert);
            }
            if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch <= ' ')) {
                throw new IllegalArgumentException("--path must start with / and hold no spaces, got " + path);
            }
            LoadArgs.check("-c", common.connections, 1, TlsEchoLoad.MAX_CONNECTIONS);
            LoadArgs.check("-d", common.depth, 1, TlsEchoLoad.MAX_DEPTH);
            LoadArgs.checkDurations(common.seconds, common.warmup);
            return new Options(common.address(), cacert, path, common.connections, common.depth, common.seconds,
                    common.warmup, common.serverPid);
        }
    }

    /** One keep-alive connection: a batch of {@code depth} requests, then their answers, again. */
    static final class Client implements BlockingLoad.Client {

        private final SSLContext context;
        private final Options options;
        private final byte[] batch;
        private final byte[] head = new byte[MAX_HEAD];
        private final byte[] body = new byte[BODY.length()];
        private volatile Socket socket;

        Client(SSLContext context, Options options) {
            this.context = context;
            this.options = options;
            String one = "GET " + options.path() + " HTTP/1.1\r\nHost: " + options.address().getHostString() + "\r\n\r\n";
            this.batch = one.repeat(options.depth()).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void open() throws IOException {
            Socket plain = new Socket();
            socket = plain;
            plain.setTcpNoDelay(true);
            plain.connect(options.address(), (int) TimeUnit.NANOSECONDS.toMillis(BlockingLoad.CONNECT_TIMEOUT_NANOS));
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain,
                    options.address().getHostString(), options.address().getPort(), true);
            socket = tls;
            tls.startHandshake();
        }

        @Override
        public void loop(BlockingLoad run, int index) throws IOException {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            while (!run.stopped()) {
                out.write(batch);
                out.flush();
                for (int i = 0; i < options.depth(); i++) {
                    readResponse(in);
                    run.done(index);
                }
            }
        }

        private void readResponse(InputStream in) throws IOException {
            int n = 0;
            while (n < 4 || head[n - 4] != '\r' || head[n - 3] != '\n' || head[n - 2] != '\r' || head[n - 1] != '\n') {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (n == head.length) {
                    throw new IOException("response head over " + MAX_HEAD + " bytes");
                }
                head[n++] = (byte) b;
            }
            String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 200 ")) {
                throw new IOException("not a 200: " + text.substring(0, Math.max(0, text.indexOf('\r'))));
            }
            int at = text.toLowerCase(Locale.ROOT).indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new IOException("a response without Content-Length");
            }
            int end = text.indexOf('\r', at + 2);
            int length = Integer.parseInt(text.substring(at + "\r\ncontent-length:".length(), end).strip());
            if (length != body.length) {
                throw new IOException("Content-Length " + length + ", expected " + body.length);
            }
            TlsEchoLoad.readFully(in, body);
            if (!BODY.equals(new String(body, StandardCharsets.US_ASCII))) {
                throw new IOException("wrong body: " + new String(body, StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void close() {
            BlockingLoad.closeQuietly(socket);
        }
    }

    /** Runs one load as {@code options} say. */
    static BlockingLoad.Result run(Options o) throws IOException {
        SSLContext context = TlsClientContext.trusting(o.cacert());
        BlockingLoad.Client[] clients = new BlockingLoad.Client[o.connections()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Client(context, o);
        }
        return BlockingLoad.run(clients, o.warmup(), o.seconds(), o.serverPid(), () -> "depth=" + o.depth());
    }

    /** {@code TlsHttpLoad OPTIONS}: see {@code --help}. */
    public static void main(String[] args) {
        LoadLoop.main("TlsHttpLoad", USAGE, args, Options::parse, o -> TlsEchoLoad.outcome(run(o), "tls-http"));
    }
}
