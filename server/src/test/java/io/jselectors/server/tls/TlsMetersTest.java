package io.jselectors.server.tls;

import io.jselectors.connection.tls.HandshakeFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TlsMetersTest {

    @Test
    void countsHandshakesByOutcomeVersionAndReasonAndFollowsTheServedCertificate() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CertifiedKey first = SelfSignedCertificate.generate(List.of("m.test"), Instant.now());
        SniKeyManager keys = new SniKeyManager(List.of(first));
        TlsMeters meters = new TlsMeters(registry, keys);
        meters.handshakeDone("TLSv1.3", TimeUnit.MILLISECONDS.toNanos(3));
        meters.handshakeDone("TLSv1.3", TimeUnit.MILLISECONDS.toNanos(5));
        meters.handshakeDone("TLSv1.2", TimeUnit.MILLISECONDS.toNanos(7));
        meters.handshakeFailed(HandshakeFailure.PLAINTEXT);
        meters.handshakeFailed(HandshakeFailure.TIMEOUT);

        assertThat(registry.get("jselectors.tls.handshakes").tags("outcome", "ok", "protocol", "TLSv1.3").counter().count()).isEqualTo(2);
        assertThat(registry.get("jselectors.tls.handshakes").tags("outcome", "ok", "protocol", "TLSv1.2").counter().count()).isEqualTo(1);
        assertThat(registry.get("jselectors.tls.handshakes").tags("outcome", "failed").counter().count()).isEqualTo(2);
        assertThat(registry.get("jselectors.tls.handshake.failures").tag("reason", "plaintext").counter().count()).isEqualTo(1);
        assertThat(registry.get("jselectors.tls.handshake.failures").tag("reason", "no_shared_cipher").counter().count()).isZero();
        assertThat(registry.get("jselectors.tls.handshake.duration").timer().count()).isEqualTo(3);
        assertThat(registry.get("jselectors.tls.handshake.duration").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(15);

        var gauge = registry.get("jselectors.tls.certificate.not.after").tag("index", "0").gauge();
        assertThat(gauge.value()).isEqualTo(first.notAfter().getEpochSecond());
        CertifiedKey later = SelfSignedCertificate.generate(List.of("m.test"), Instant.now().plusSeconds(86_400));
        keys.replace(List.of(later));
        assertThat(gauge.value()).isEqualTo(later.notAfter().getEpochSecond());
    }
}
