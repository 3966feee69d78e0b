package io.jselectors.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @Test
    void coversTheGivenNamesAndIsValidNow(@TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        CertifiedKey key = SelfSignedCertificate.generate(List.of("dev.test", "127.0.0.1"), now);
        assertThat(key.dnsNames()).containsExactly("dev.test");
        assertThat(key.covers("DEV.test")).isTrue();
        key.leaf().checkValidity();
        key.leaf().verify(key.leaf().getPublicKey());
        assertThat(key.notAfter()).isAfter(now.plus(SelfSignedCertificate.VALIDITY).minusSeconds(1));
        List<Path> files = SelfSignedCertificate.write(key, dir.resolve("certs"));
        assertThat(Files.getPosixFilePermissions(files.get(1))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void defaultsToLocalNames() throws Exception {
        CertifiedKey key = SelfSignedCertificate.generate(List.of(), Instant.now());
        assertThat(key.dnsNames()).containsExactly("localhost");
        assertThat(key.leaf().getSubjectAlternativeNames()).hasSize(3);
    }
}
