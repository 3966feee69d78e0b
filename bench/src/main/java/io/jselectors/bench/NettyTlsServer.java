package io.jselectors.bench;

import io.netty.handler.ssl.SslContext;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * The Netty reference servers behind Netty's {@code SslHandler} on the JDK provider ({@link
 * NettyTls}): {@code echo} ({@link NettyEchoServer}), {@code http} ({@link NettyHttpServer}) or
 * {@code ws} ({@link NettyWebSocketServer}), with the same certificate and key files our server is
 * given. One worker by default, loopback only.
 *
 * {@snippet lang=sh :
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp bench/target/jselectors-bench.jar io.jselectors.bench.NettyTlsServer http 9443 dev-cert/cert.pem dev-cert/key.pem 1
 * }
 */
public final class NettyTlsServer {

    private NettyTlsServer() {
    }

    /** {@code NettyTlsServer echo|http|ws PORT CERT.pem KEY.pem [WORKERS]}: serves until killed. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: NettyTlsServer echo|http|ws PORT CERT.pem KEY.pem [WORKERS]   (127.0.0.1, 1 worker by default)");
            System.exit(2);
        }
        String kind = args[0];
        SslContext tls;
        try {
            tls = NettyTls.serverContext(new File(args[2]), new File(args[3]));
        } catch (SSLException | IllegalArgumentException e) {
            System.err.println("NettyTlsServer: cannot use " + args[2] + " / " + args[3] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        String[] portAndWorkers = args.length == 5 ? new String[] {args[1], args[4]} : new String[] {args[1]};
        NettyEpoll.Starter starter = switch (kind) {
            case "echo" -> (port, workers) -> NettyEchoServer.start(port, workers, new NettyEchoServer.EchoHandler(), tls).epoll();
            case "http" -> (port, workers) -> NettyHttpServer.start(port, workers, tls).epoll();
            case "ws" -> (port, workers) -> NettyWebSocketServer.start(port, workers, tls).epoll();
            default -> {
                System.err.println("NettyTlsServer: KIND must be echo, http or ws, got " + kind);
                System.exit(2);
                yield null;
            }
        };
        NettyEpoll.serve("NettyTlsServer " + kind, kind + "+tls", portAndWorkers, starter);
    }
}
