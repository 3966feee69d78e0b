package io.jselectors.bench;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Netty's TLS for the reference servers, set up as our server's TLS is, so that the comparison is
 * between the two servers' handling of the same {@code SSLEngine} and not between two
 * configurations: the JDK provider ({@link SslProvider#JDK}, no OpenSSL), TLS 1.3 and 1.2, and the
 * JDK's default cipher suites in the JDK's order (Netty would otherwise apply its own list). The
 * certificate chain and key are the same PEM files our server is given.
 */
final class NettyTls {

    /** The protocol versions our server enables (TlsContext.PROTOCOLS). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private NettyTls() {
    }

    /**
     * A server context for the chain in {@code certPem} and the PKCS#8 key in {@code keyPem}.
     *
     * @throws SSLException if the files cannot be used
     */
    static SslContext serverContext(File certPem, File keyPem) throws SSLException {
        String[] jdkDefaults;
        try {
            jdkDefaults = SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
        } catch (NoSuchAlgorithmException e) {
            throw new SSLException("the JDK has no default TLS context", e);
        }
        return SslContextBuilder.forServer(certPem, keyPem)
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .ciphers(Arrays.asList(jdkDefaults), IdentityCipherSuiteFilter.INSTANCE)
                .build();
    }

    /** {@code pipeline} behind an {@code SslHandler} of {@code tls}; just {@code pipeline} if {@code tls} is null. */
    static Consumer<ChannelPipeline> first(SslContext tls, Consumer<ChannelPipeline> pipeline) {
        if (tls == null) {
            return pipeline;
        }
        return p -> {
            p.addLast(tls.newHandler(p.channel().alloc()));
            pipeline.accept(p);
        };
    }
}
