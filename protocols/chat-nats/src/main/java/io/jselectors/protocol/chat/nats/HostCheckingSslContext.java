package io.jselectors.protocol.chat.nats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose client sockets check that the server's certificate names the host
 * connected to (RFC 6125, the JDK's {@code HTTPS} endpoint identification). jnats opens its TLS
 * socket with {@code createSocket(socket, host, port, true)} and sets no endpoint identification,
 * so without this it would accept any certificate the trusted CAs signed, for any host; it offers
 * no hook but the context.
 */
final class HostCheckingSslContext extends SSLContext {

    /** Wraps {@code trusting}: the same trust, plus the host-name check on every client socket. */
    HostCheckingSslContext(SSLContext trusting) {
        super(new Spi(trusting), trusting.getProvider(), trusting.getProtocol());
    }

    private static SSLParameters checkHost(SSLParameters parameters) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    private static Socket checkHost(Socket socket) {
        if (socket instanceof SSLSocket ssl) {
            ssl.setSSLParameters(checkHost(ssl.getSSLParameters()));
        }
        return socket;
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;

        Spi(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
            throw new KeyManagementException("already initialised: it wraps a ready context");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new Sockets(delegate.getSocketFactory());
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = delegate.createSSLEngine(host, port);
            engine.setSSLParameters(checkHost(engine.getSSLParameters()));
            return engine;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }
    }

    /** The delegate's sockets, each told to check the host name. */
    private static final class Sockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        Sockets(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return checkHost(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return checkHost(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return checkHost(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return checkHost(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return checkHost(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
