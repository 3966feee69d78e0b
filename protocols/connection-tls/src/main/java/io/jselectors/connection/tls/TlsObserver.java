package io.jselectors.connection.tls;

/**
 * Told what each connection's TLS handshake did (metrics). Called on the connection's loop thread;
 * implementations must be cheap and thread-safe across loops.
 */
public interface TlsObserver {

    /** Does nothing. */
    TlsObserver NONE = new TlsObserver() {};

    /** A handshake finished with {@code protocol} (e.g. {@code TLSv1.3}) after {@code nanos}. */
    default void handshakeDone(String protocol, long nanos) {}

    /** A handshake failed. */
    default void handshakeFailed(HandshakeFailure reason) {}
}
