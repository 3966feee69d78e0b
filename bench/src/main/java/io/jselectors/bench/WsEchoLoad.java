package io.jselectors.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A closed-loop WebSocket echo load generator: {@code -c} connections upgraded on {@code --path}
 * (default {@value NettyWebSocketServer#PATH}), each with {@code -d} messages of {@code -s} bytes
 * in flight, as text frames (default) or binary ({@code --binary}), masked as RFC 6455 requires of a
 * client; measured for {@code -t} seconds after {@code -w}. Every echoed message is checked: it
 * starts with the connection's sequence number in hex (a lost, repeated or reordered message is
 * caught), then the connection's own ASCII pattern (valid UTF-8, so text frames pass the server's
 * check). The client is {@link WsClientSocket} on virtual threads ({@link BlockingLoad}).
 *
 * <p>Prints a summary on stderr and one {@code key=value} line on stdout ({@code rtt_per_s} =
 * messages echoed per second; with {@code --server-pid} also {@code server_us_per_op}, the
 * server's CPU time per echoed message). Exit status 1 unless every connection stayed up and every
 * message came back right.
 */
public final class WsEchoLoad {

    /** A message starts with a 16-digit hex sequence number. */
    static final int MIN_SIZE = 16;

    /** This client's frames carry 16-bit lengths at most. */
    static final int MAX_SIZE = WsClientSocket.MAX_PAYLOAD;

    /** Connections per run; more is a typo for this generator. */
    static final int MAX_CONNECTIONS = 10_000;

    /** Messages in flight per connection. */
    static final int MAX_DEPTH = 1_024;

    private static final String USAGE = """
            usage: WsEchoLoad -p PORT [--path /echo] [-c CONNS] [-d DEPTH] [-s SIZE] [--binary] [-t SECONDS] [-w WARMUP]
                              [--host 127.0.0.1] [--server-pid PID] [--window-file FILE]
              -c 100 connections, -d 1 messages in flight each, -s 64 bytes per message (16..65535),
              text frames unless --binary, -t 10 s measured after -w 1 s; loopback only.
              --window-file gets "start MILLIS" and "stop MILLIS" lines as the measured window opens and closes.
            """;

    private WsEchoLoad() {
    }

    /** The parsed command line. */
    record Options(InetSocketAddress address, String path, int connections, int depth, int size, boolean binary,
            double seconds, double warmup, long serverPid, java.nio.file.Path windowFile) {

        static Options parse(String[] args) {
            LoadArgs common = new LoadArgs(0);
            int size = 64;
            String path = NettyWebSocketServer.PATH;
            boolean binary = false;
            java.nio.file.Path windowFile = null;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--binary")) {
                    binary = true;
                    continue;
                }
                String value = LoadArgs.valueAfter(args, i);
                i++;
                if (common.accept(args[i - 1], value)) {
                    continue;
                }
                switch (args[i - 1]) {
                    case "-s" -> size = LoadArgs.parseInt("-s", value);
                    case "--path" -> path = value;
                    case "--window-file" -> windowFile = java.nio.file.Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
                }
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("--path must start with /, got " + path);
            }
            LoadArgs.check("-c", common.connections, 1, MAX_CONNECTIONS);
            LoadArgs.check("-d", common.depth, 1, MAX_DEPTH);
            LoadArgs.check("-s", size, MIN_SIZE, MAX_SIZE);
            LoadArgs.checkDurations(common.seconds, common.warmup);
            return new Options(common.address(), path, common.connections, common.depth, size, binary, common.seconds,
                    common.warmup, common.serverPid, windowFile);
        }
    }

    /** One WebSocket echo connection: {@code depth} messages out, then one more per message echoed. */
    static final class EchoClient implements BlockingLoad.Client {

        private final Options options;
        private final int index;
        private final byte[] message;
        private byte[] reply;
        private volatile WsClientSocket ws;

        EchoClient(Options options, int index) {
            this.options = options;
            this.index = index;
            this.message = new byte[options.size()];
            this.reply = new byte[options.size()];
            int seed = Payload.seedOf(index);
            for (int i = MIN_SIZE; i < message.length; i++) {
                message[i] = (byte) ('a' + (seed + i) % 26);
            }
        }

        @Override
        public void open() throws IOException {
            ws = WsClientSocket.connect(options.address(), options.path(), "", 0x5eed_0000L + index);
        }

        @Override
        public void loop(BlockingLoad run, int index) throws IOException {
            int opcode = options.binary() ? WsClientSocket.BINARY : WsClientSocket.TEXT;
            long sent = 0;
            long received = 0;
            for (int i = 0; i < options.depth(); i++) {
                putHex(message, sent++);
                ws.send(opcode, message, message.length, i == options.depth() - 1);
            }
            while (!run.stopped()) {
                reply = ws.receive(reply);
                check(opcode, received++);
                run.done(index);
                putHex(message, sent++);
                ws.send(opcode, message, message.length, !ws.moreArrived());
            }
        }

        private void check(int opcode, long seq) throws IOException {
            if (ws.lastOpcode() != opcode || ws.lastLength() != message.length) {
                throw new IOException("message " + seq + ": opcode " + ws.lastOpcode() + ", " + ws.lastLength()
                        + " bytes; sent opcode " + opcode + ", " + message.length + " bytes");
            }
            if (parseHex(reply) != seq) {
                throw new IOException("message " + seq + " came back as number " + parseHex(reply));
            }
            for (int i = MIN_SIZE; i < message.length; i++) {
                if (reply[i] != message[i]) {
                    throw new IOException("message " + seq + ": byte " + i + " differs");
                }
            }
        }

        @Override
        public void close() {
            BlockingLoad.closeQuietly(ws);
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static void putHex(byte[] b, long v) {
        for (int i = MIN_SIZE - 1; i >= 0; i--) {
            b[i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    static long parseHex(byte[] b) {
        long v = 0;
        for (int i = 0; i < MIN_SIZE; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Runs one load as {@code options} say. */
    static BlockingLoad.Result run(Options o) throws IOException {
        BlockingLoad.Client[] clients = new BlockingLoad.Client[o.connections()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new EchoClient(o, i);
        }
        return BlockingLoad.run(clients, o.warmup(), o.seconds(), o.serverPid(), o.windowFile(),
                () -> "depth=" + o.depth() + " size=" + o.size() + " frames=" + (o.binary() ? "binary" : "text"));
    }

    /** {@code WsEchoLoad OPTIONS}: see {@code --help}. */
    public static void main(String[] args) {
        LoadLoop.main("WsEchoLoad", USAGE, args, Options::parse, o -> TlsEchoLoad.outcome(run(o), "ws-echo"));
    }
}
