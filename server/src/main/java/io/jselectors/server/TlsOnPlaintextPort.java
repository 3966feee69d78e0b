package io.jselectors.server;

import io.jselectors.connection.tls.FirstBytes;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS client that connected to a plaintext listener ({@code curl https://} against an http
 * port, {@code openssl s_client} against a chat one): its first read starts with a TLS handshake
 * record, so the connection answers with a fatal {@code handshake_failure} alert, which the client
 * prints ("sslv3 alert handshake failure") instead of a confusing parse error, counts it in {@code
 * jselectors_tls_handshake_failures_total{reason="tls_on_plaintext_port"}}, logs one rate-limited
 * line, and closes. The check is one look at the first read of a plaintext connection; nothing
 * else changes for that listener.
 *
 * <p>Loop thread only, except the log's rate limit, which the loops share.
 */
final class TlsOnPlaintextPort {

    /** At most one log line per this many seconds, however many TLS clients knock. */
    static final long REPORT_INTERVAL_SECONDS = 60;
    /**
     * Reads of the rest of the client's first flight before the close, so that unread bytes do not
     * turn the close into a reset that could overtake the alert: a ClientHello fits in one or two.
     */
    static final int DRAIN_READS = 4;

    private static final Logger log = LoggerFactory.getLogger(TlsOnPlaintextPort.class);
    private static final AtomicLong lastReport = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS));
    private static final AtomicLong unreported = new AtomicLong();

    private TlsOnPlaintextPort() {}

    /** Why the connection closed: the peer spoke TLS to a plaintext port. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * Answers the TLS client whose first read is {@code first} with the alert, counts and reports
     * it, and returns the exception that closes the connection.
     */
    static Refused refuse(SocketConnection connection, Transport.StreamSocket socket, IoScratch scratch, ByteBuf first,
            Counter refused) {
        ByteBuf alert = FirstBytes.handshakeFailureAlert(connection.alloc(), first);
        try {
            socket.write(alert, null, 1, scratch); // 7 bytes into an empty socket buffer: they fit
            for (int i = 0; i < DRAIN_READS && socket.read(first.clear(), scratch) > 0; i++) {
                // The rest of the ClientHello, read and dropped.
            }
        } catch (IOException ignored) {
            // The client went away first: nothing to tell it.
        } finally {
            alert.release();
        }
        refused.increment();
        report(connection);
        return new Refused("a TLS client on the plaintext " + connection.listener().plugin().name() + " port: answered handshake_failure");
    }

    private static void report(SocketConnection connection) {
        long missed = unreported.incrementAndGet();
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last < TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS) || !lastReport.compareAndSet(last, now)) {
            return;
        }
        unreported.addAndGet(-missed);
        String protocol = connection.listener().plugin().name();
        log.info("a TLS client ({}) connected to the plaintext {} listener on {}: answered with a TLS handshake_failure alert "
                        + "and closed; serve TLS with --listen {}+tls=PORT ({} more since the last such line, at most one per {} s)",
                connection.remoteAddress(), protocol, connection.localAddress(), protocol, missed - 1, REPORT_INTERVAL_SECONDS);
    }
}
