package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.SniKeyManager;
import io.jselectors.server.tls.TlsContext;
import io.jselectors.server.tls.TlsListeners;
import io.jselectors.server.tls.TlsObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * Debian's testssl.sh against the http+tls listener with the server's TLS defaults: no finding
 * above LOW. It runs the check groups the issue names, nothing else: protocols ({@code -p}),
 * cipher categories ({@code -s}), forward secrecy ({@code -f}), server defaults ({@code -S}),
 * server preferences ({@code -P}) and every vulnerability check ({@code -U}); {@code --fast} keeps
 * the first preferred cipher only. Left out: client simulation ({@code -c}) and HTTP headers
 * ({@code -h}), which audit clients and the application, not the TLS listener. Findings about the
 * certificate itself (trust chain, revocation URLs, CAA, ...) do not count: the test serves a
 * self-signed development certificate.
 *
 * <p>Most of a testssl run is its own start-up, which forks awk and openssl a few hundred times
 * (its cipher table) before the first check: seconds on an idle machine, minutes on a loaded one.
 * So the groups run as {@link #PARTS} three testssl processes at once, each with its own JSON file,
 * read together afterwards. Runs whenever testssl is installed; a missing testssl skips with the
 * reason, except in CI ({@code CI=true}), where it fails: {@code scripts/install-test-tools.sh}
 * installs it there.
 */
class TestsslAuditTest {

    /**
     * A hang guard only, never a performance claim: one run of all groups took 7.6 minutes on the
     * shared 2-core machine at a load average of 21; an idle machine needs a fraction of that.
     */
    private static final long AUDIT_LIMIT_SECONDS = 1500;
    /** Options of every part; the part's groups, the JSON file and the target follow. */
    static final List<String> OPTIONS = List.of("--quiet", "--color", "0", "--warnings", "off", "--fast", "--sneaky",
            "--nodns", "none", "--connect-timeout", "10", "--openssl-timeout", "10");
    /** The check groups, split into parts of about the same length that run at once. */
    static final List<List<String>> PARTS = List.of(List.of("-p", "-s", "-f"), List.of("-S", "-P"), List.of("-U"));
    /** One finding id of each check group, to prove each ran: protocols, ciphers, FS, defaults, preference, vulnerabilities. */
    private static final List<String> GROUP_IDS = List.of("TLS1_3", "cipherlist_STRONG", "PFS", "TLS_session_ticket",
            "cipher_order", "heartbleed");
    private static final Set<String> TOO_SEVERE = Set.of("MEDIUM", "HIGH", "CRITICAL");
    private static final Pattern FINDING = Pattern.compile(
            "\"id\"\\s*:\\s*\"([^\"]*)\".*?\"severity\"\\s*:\\s*\"([A-Z]+)\".*?\"finding\"\\s*:\\s*\"([^\"]*)\"", Pattern.DOTALL);

    @Test
    void noFindingAboveLow(@TempDir Path dir) throws Exception {
        boolean installed = Tools.runs("testssl", "--version");
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("testssl is not installed, and CI=true: scripts/install-test-tools.sh must install it");
        }
        assumeTrue(installed, "testssl is not installed (scripts/install-test-tools.sh installs Debian's testssl.sh)");
        CertifiedKey key = SelfSignedCertificate.generate(List.of("localhost", "127.0.0.1"), Instant.now());
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse("http+tls=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1);
        try (TlsListeners tls = new TlsListeners(TlsContext.create(new SniKeyManager(List.of(key))), null, TlsObserver.NONE)) {
            Server server = Server.start(settings, Protocols.load(getClass().getClassLoader()), new SimpleMeterRegistry(), "", tls);
            List<Process> running = new ArrayList<>();
            try {
                String target = "127.0.0.1:" + server.address("http").getPort();
                long began = System.nanoTime();
                for (int i = 0; i < PARTS.size(); i++) {
                    List<String> command = new ArrayList<>(List.of("testssl"));
                    command.addAll(OPTIONS);
                    command.addAll(PARTS.get(i));
                    command.addAll(List.of("--jsonfile", dir.resolve("part" + i + ".json").toString(), target));
                    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(dir.resolve("part" + i + ".txt").toFile());
                    // testssl's start-up probes of the local openssl connect here instead of looking up "invalid.".
                    pb.environment().put("NXCONNECT", "127.0.0.1:0");
                    running.add(pb.start());
                }
                StringBuilder report = new StringBuilder();
                StringBuilder output = new StringBuilder();
                for (int i = 0; i < PARTS.size(); i++) {
                    Process p = running.get(i);
                    if (!p.waitFor(Math.max(1, AUDIT_LIMIT_SECONDS - (System.nanoTime() - began) / 1_000_000_000L), TimeUnit.SECONDS)) {
                        throw new AssertionError("testssl " + PARTS.get(i) + " did not finish in " + AUDIT_LIMIT_SECONDS + " s");
                    }
                    String text = Files.readString(dir.resolve("part" + i + ".txt"));
                    output.append(text);
                    // testssl's own errors (bad option, no connection, ...) are the exit codes 242..255.
                    assertThat(p.exitValue()).as("testssl " + PARTS.get(i) + " failed: " + text).isLessThan(242);
                    report.append(Files.readString(dir.resolve("part" + i + ".json")));
                }
                System.out.printf("testssl audit: %d s for %s in parallel, each: testssl %s PART --jsonfile FILE %s%n",
                        (System.nanoTime() - began) / 1_000_000_000L, PARTS, String.join(" ", OPTIONS), target);
                List<String> severe = new ArrayList<>();
                int findings = 0;
                for (String entry : report.toString().split("\\}")) {
                    Matcher m = FINDING.matcher(entry);
                    if (m.find()) {
                        findings++;
                        if (TOO_SEVERE.contains(m.group(2)) && !aboutTheCertificate(m.group(1))) {
                            severe.add(m.group(1) + " " + m.group(2) + ": " + m.group(3));
                        }
                    }
                }
                assertThat(findings).as("testssl wrote findings: " + output).isPositive();
                for (String id : GROUP_IDS) {
                    assertThat(report.toString()).as("testssl ran the check group of " + id + ": " + output).contains("\"" + id + "\"");
                }
                assertThat(severe).as("findings above LOW").isEmpty();
            } finally {
                for (Process p : running) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                server.shutdown();
            }
        }
    }

    private static boolean aboutTheCertificate(String id) {
        return id.startsWith("cert") || id.startsWith("chain_of_trust") || id.startsWith("intermediate")
                || id.equals("DNS_CAArecord") || id.startsWith("OCSP") || id.equals("trust");
    }
}
