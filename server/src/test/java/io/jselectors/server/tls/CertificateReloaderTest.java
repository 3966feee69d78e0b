package io.jselectors.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateReloaderTest {

    @TempDir
    Path dir;

    @Test
    void aChangedFileIsServedAndABrokenOneKeepsTheOldCertificate() throws Exception {
        CertifiedKey first = SelfSignedCertificate.generate(List.of("reload.test"), Instant.now());
        List<Path> paths = SelfSignedCertificate.write(first, dir);
        KeyPairFiles files = new KeyPairFiles(paths.get(0), paths.get(1), null);
        SniKeyManager keys = new SniKeyManager(CertificateReloader.loadAll(List.of(files), Map.of()));
        try (CertificateReloader reloader = new CertificateReloader(List.of(files), keys, Map.of())) {
            assertThat(reloader.checkForChanges()).isEqualTo(CertificateReloader.Outcome.UNCHANGED);

            CertifiedKey second = SelfSignedCertificate.generate(List.of("reload.test"), Instant.now());
            SelfSignedCertificate.write(second, dir);
            touch(paths, 10);
            assertThat(reloader.checkForChanges()).isEqualTo(CertificateReloader.Outcome.RELOADED);
            assertThat(keys.keys().getFirst().leaf()).isEqualTo(second.leaf());

            Files.writeString(paths.get(0), "-----BEGIN CERTIFICATE-----\ntruncated\n");
            touch(paths, 20);
            assertThat(reloader.checkForChanges()).isEqualTo(CertificateReloader.Outcome.FAILED);
            assertThat(keys.keys().getFirst().leaf()).isEqualTo(second.leaf());
            // Reported once: the same broken file is not retried every poll.
            assertThat(reloader.checkForChanges()).isEqualTo(CertificateReloader.Outcome.UNCHANGED);
            assertThat(reloader.reloadNow()).isEqualTo(CertificateReloader.Outcome.FAILED);

            SelfSignedCertificate.write(first, dir);
            assertThat(reloader.reloadNow()).isEqualTo(CertificateReloader.Outcome.RELOADED);
            assertThat(keys.keys().getFirst().leaf()).isEqualTo(first.leaf());
        }
    }

    /** Moves the files' modification times forward, so a change within one clock tick is seen. */
    private static void touch(List<Path> paths, int seconds) throws Exception {
        for (Path p : paths) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(seconds)));
        }
    }
}
