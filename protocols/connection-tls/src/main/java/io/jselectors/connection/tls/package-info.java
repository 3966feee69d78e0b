/**
 * TLS as a connection layer, shared by the server and the testkit: {@link
 * io.jselectors.connection.tls.TlsLayer} (the handshake and its rules on the JDK's {@code
 * SSLEngine}) with {@link io.jselectors.connection.tls.TlsRecords} (the bytes), {@link
 * io.jselectors.connection.tls.HandshakeGate} (handshakes per loop), {@link
 * io.jselectors.connection.tls.TlsSettings}, {@link io.jselectors.connection.tls.TlsEngines} (how a
 * server engine is set up), {@link io.jselectors.connection.tls.FirstBytes} (TLS or plaintext from
 * the first read, and the answers for the wrong port), the metrics hook {@link
 * io.jselectors.connection.tls.TlsObserver} with its {@link
 * io.jselectors.connection.tls.HandshakeFailure} reasons, and {@link
 * io.jselectors.connection.tls.DevelopmentCertificate}.
 *
 * <p>Certificates from files, SNI, reloading, the CLI and the meters stay in the server
 * ({@code io.jselectors.server.tls}). Not plugin-facing: plugins never see layers.
 */
package io.jselectors.connection.tls;
