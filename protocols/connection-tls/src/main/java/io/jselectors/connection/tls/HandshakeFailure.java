package io.jselectors.connection.tls;

import java.util.Locale;
import javax.net.ssl.SSLException;

/** Why a TLS handshake failed, as the failure metric's {@code reason} tag. */
public enum HandshakeFailure {
    /** The peer refused our certificate, or sent one that could not be checked. */
    BAD_CERTIFICATE,
    /** No cipher suite, version or ALPN protocol both sides accept. */
    NO_SHARED_CIPHER,
    /** The handshake did not finish within its timeout. */
    TIMEOUT,
    /** The peer spoke plaintext (e.g. HTTP) to a TLS port. */
    PLAINTEXT,
    /** The peer spoke TLS to a plaintext port (counted by that listener, answered with an alert). */
    TLS_ON_PLAINTEXT_PORT,
    /** The peer asked to renegotiate a TLS 1.2 session, which we refuse. */
    RENEGOTIATION,
    /** The connection closed before the handshake finished. */
    CLOSED,
    /** Any other protocol error. */
    PROTOCOL;

    /** The tag value: lower case with underscores. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Classifies the JDK's exception by its message (the JDK has no error codes for these). */
    static HandshakeFailure of(SSLException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("certificate") || m.contains("certpath")) {
            return BAD_CERTIFICATE;
        }
        if (m.contains("cipher") || m.contains("protocol_version") || m.contains("protocol version")
                || m.contains("no appropriate protocol") || m.contains("application protocol") || m.contains("handshake_failure")) {
            return NO_SHARED_CIPHER;
        }
        return PROTOCOL;
    }
}
