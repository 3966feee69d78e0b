package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.SniKeyManager;
import io.jselectors.server.tls.TlsContext;
import io.jselectors.server.tls.TlsListeners;
import io.jselectors.connection.tls.TlsObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's testssl.sh against the http+tls listener with its default checks: no finding above
 * LOW. Opt-in ({@code -Djselectors.testssl=true}): the full default audit is slow. Findings about the certificate itself (trust chain, revocation URLs, CAA, ...) are left out:
 * the test serves a self-signed development certificate; what is audited is the listener's TLS.
 */
class TestsslAuditTest {

    /** A hang guard for the whole audit (it takes a minute or two). */
    private static final long AUDIT_LIMIT_SECONDS = 600;
    private static final Set<String> TOO_SEVERE = Set.of("MEDIUM", "HIGH", "CRITICAL");
    private static final Pattern FINDING = Pattern.compile(
            "\"id\"\\s*:\\s*\"([^\"]*)\".*?\"severity\"\\s*:\\s*\"([A-Z]+)\".*?\"finding\"\\s*:\\s*\"([^\"]*)\"", Pattern.DOTALL);

    @Test
    void noFindingAboveLow(@TempDir Path dir) throws Exception {
        assumeTrue(Boolean.getBoolean("jselectors.testssl"), "testssl's default audit took over 9 minutes on the shared "
                + "2-core machine: opt in with -Djselectors.testssl=true");
        assumeTrue(runs("testssl", "--version"), "testssl is not installed (scripts/install-test-tools.sh installs Debian's testssl.sh)");
        CertifiedKey key = SelfSignedCertificate.generate(List.of("localhost", "127.0.0.1"), Instant.now());
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse("http+tls=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1);
        try (TlsListeners tls = new TlsListeners(TlsContext.create(new SniKeyManager(List.of(key))), null, TlsObserver.NONE)) {
            Server server = Server.start(settings, Protocols.load(getClass().getClassLoader()), new SimpleMeterRegistry(), "", tls);
            try {
                InetSocketAddress at = server.address("http");
                Path json = dir.resolve("testssl.json");
                Process p = new ProcessBuilder("testssl", "--quiet", "--color", "0", "--warnings", "off", "--jsonfile", json.toString(),
                        "127.0.0.1:" + at.getPort()).redirectErrorStream(true).redirectOutput(dir.resolve("testssl.txt").toFile()).start();
                if (!p.waitFor(AUDIT_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("testssl did not finish in " + AUDIT_LIMIT_SECONDS + " s");
                }
                String report = Files.readString(json);
                List<String> severe = new ArrayList<>();
                int findings = 0;
                for (String entry : report.split("\\},")) {
                    Matcher m = FINDING.matcher(entry);
                    if (m.find()) {
                        findings++;
                        if (TOO_SEVERE.contains(m.group(2)) && !aboutTheCertificate(m.group(1))) {
                            severe.add(m.group(1) + " " + m.group(2) + ": " + m.group(3));
                        }
                    }
                }
                assertThat(findings).as("testssl wrote findings: " + Files.readString(dir.resolve("testssl.txt"))).isPositive();
                assertThat(severe).as("findings above LOW").isEmpty();
            } finally {
                server.shutdown();
            }
        }
    }

    private static boolean aboutTheCertificate(String id) {
        return id.startsWith("cert") || id.startsWith("chain_of_trust") || id.startsWith("intermediate")
                || id.equals("DNS_CAArecord") || id.startsWith("OCSP") || id.equals("trust");
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
