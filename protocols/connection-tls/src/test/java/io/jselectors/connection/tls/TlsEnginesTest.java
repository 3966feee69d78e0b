package io.jselectors.connection.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** A server engine set up from shared parameters is the engine a per-connection read-modify-write made. */
class TlsEnginesTest {

    /** How engines were set up before the parameters were shared: the engine's own, changed, set back. */
    private static SSLEngine readModifyWrite(SSLContext context, String[] protocols, List<String> alpn) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols);
        params.setApplicationProtocols(alpn.toArray(String[]::new));
        params.setUseCipherSuitesOrder(true);
        engine.setSSLParameters(params);
        return engine;
    }

    @Test
    void anEngineFromSharedParametersHasEverySettingOfAReadModifyWrite() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        String[] protocols = TlsEngines.protocols(context);
        for (List<String> alpn : List.of(List.of("http/1.1"), List.<String>of())) {
            SSLParameters shared = TlsEngines.serverParameters(context, protocols, alpn);
            SSLParameters expected = readModifyWrite(context, protocols, alpn).getSSLParameters();
            SSLEngine first = TlsEngines.newServerEngine(context, shared);
            SSLEngine second = TlsEngines.newServerEngine(context, shared);
            for (SSLEngine engine : List.of(first, second)) {
                assertThat(engine.getUseClientMode()).isFalse();
                SSLParameters got = engine.getSSLParameters();
                assertThat(got.getProtocols()).containsExactly(expected.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
                assertThat(got.getCipherSuites()).as("the JDK's defaults, in order").containsExactly(expected.getCipherSuites());
                assertThat(got.getApplicationProtocols()).containsExactly(alpn.toArray(String[]::new));
                assertThat(got.getUseCipherSuitesOrder()).isTrue();
                assertThat(got.getNamedGroups()).containsExactly(expected.getNamedGroups());
                assertThat(got.getSignatureSchemes()).isEqualTo(expected.getSignatureSchemes());
                assertThat(got.getEnableRetransmissions()).isEqualTo(expected.getEnableRetransmissions());
                assertThat(got.getMaximumPacketSize()).isEqualTo(expected.getMaximumPacketSize());
                assertThat(got.getNeedClientAuth()).isEqualTo(expected.getNeedClientAuth()).isFalse();
                assertThat(got.getWantClientAuth()).isEqualTo(expected.getWantClientAuth()).isFalse();
                assertThat(got.getEndpointIdentificationAlgorithm()).isEqualTo(expected.getEndpointIdentificationAlgorithm());
                assertThat(got.getServerNames()).isEqualTo(expected.getServerNames());
                assertThat(got.getSNIMatchers()).isEqualTo(expected.getSNIMatchers());
            }
            assertThat(shared.getProtocols()).as("the engines left the shared object as it was").containsExactly(protocols);
            assertThat(shared.getCipherSuites()).as("unset: each engine keeps the context's").isNull();
        }
    }
}
