package io.jselectors.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class SniKeyManagerTest {

    /** A client engine trusting {@code trusted}, asking for {@code sni} (or none) and offering {@code alpn}. */
    static SSLEngine client(List<CertifiedKey> trusted, String sni, String protocol, String... alpn) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (CertifiedKey k : trusted) {
            ts.setCertificateEntry(k.source(), k.leaf());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLEngine engine = ctx.createSSLEngine(sni == null ? null : sni, sni == null ? -1 : 443);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (protocol != null) {
            p.setProtocols(new String[] {protocol});
        }
        p.setApplicationProtocols(alpn);
        engine.setSSLParameters(p);
        return engine;
    }

    @Test
    void choosesTheCertificateByServerName() throws Exception {
        CertifiedKey a = TestCertificates.rsa("a.test");
        CertifiedKey b = TestCertificates.rsa("b.test", "*.wild.test");
        TlsContext tls = TlsContext.create(new SniKeyManager(List.of(a, b)));
        assertThat(served(tls, List.of(a, b), "b.test")).isEqualTo(b.leaf());
        assertThat(served(tls, List.of(a, b), "x.wild.test")).isEqualTo(b.leaf());
        assertThat(served(tls, List.of(a, b), "a.test")).isEqualTo(a.leaf());
        // No SNI, or a name nobody covers: the first configured certificate of the key type.
        assertThat(served(tls, List.of(a, b), null)).isEqualTo(a.leaf());
    }

    @Test
    void choosesAnEcCertificateWhenTheClientAsksForThatName() throws Exception {
        CertifiedKey rsa = TestCertificates.rsa("rsa.test");
        CertifiedKey ec = SelfSignedCertificate.generate(List.of("ec.test"), Instant.now());
        TlsContext tls = TlsContext.create(new SniKeyManager(List.of(rsa, ec)));
        assertThat(served(tls, List.of(rsa, ec), "ec.test")).isEqualTo(ec.leaf());
        assertThat(served(tls, List.of(rsa, ec), "rsa.test")).isEqualTo(rsa.leaf());
    }

    @Test
    void replacingServesTheNewCertificateToNewHandshakesAndOldAliasesStillResolve() throws Exception {
        CertifiedKey before = TestCertificates.rsa("r.test");
        CertifiedKey after = TestCertificates.rsa("r.test");
        SniKeyManager keys = new SniKeyManager(List.of(before));
        String oldAlias = keys.chooseServerAlias("RSA", null, null);
        TlsContext tls = TlsContext.create(keys);
        keys.replace(List.of(after));
        assertThat(served(tls, List.of(before, after), "r.test")).isEqualTo(after.leaf());
        assertThat(keys.getCertificateChain(oldAlias)[0]).isEqualTo(before.leaf());
        assertThatThrownBy(() -> keys.replace(List.of())).hasMessage("no certificate configured");
    }

    @Test
    void onlyTls13And12AreServedAndAlpnIsNegotiated() throws Exception {
        CertifiedKey k = TestCertificates.rsa("v.test");
        TlsContext tls = TlsContext.create(new SniKeyManager(List.of(k)));
        assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        for (String version : tls.protocols()) {
            SSLEngine server = tls.newServerEngine(List.of("http/1.1"));
            SSLEngine client = client(List.of(k), "v.test", version, "h2", "http/1.1");
            EnginePump.handshake(client, server);
            assertThat(server.getSession().getProtocol()).isEqualTo(version);
            assertThat(client.getApplicationProtocol()).isEqualTo("http/1.1");
        }
        SSLEngine old = client(List.of(k), "v.test", "TLSv1.1", new String[0]);
        assertThatThrownBy(() -> EnginePump.handshake(old, tls.newServerEngine(List.of()))).isInstanceOf(SSLException.class);
    }

    private static X509Certificate served(TlsContext tls, List<CertifiedKey> trusted, String sni) throws Exception {
        SSLEngine client = client(trusted, sni, null, new String[0]);
        EnginePump.handshake(client, tls.newServerEngine(List.of()));
        return (X509Certificate) client.getSession().getPeerCertificates()[0];
    }
}
