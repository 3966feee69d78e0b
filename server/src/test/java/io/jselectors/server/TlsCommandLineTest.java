package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.server.tls.KeyPairFiles;
import io.jselectors.server.tls.TlsOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The TLS parts of the command line: {@code jselectors cert} and serve's TLS options. */
class TlsCommandLineTest {

    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(); // every subcommand, with the real error handling
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void certWritesAPairTheServerLoads() throws Exception {
        String[] r = run("cert", "--out", dir.toString(), "--host", "dev.test", "--host", "127.0.0.1");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        var key = new KeyPairFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"), null).load(Map.of());
        assertThat(key.covers("dev.test")).isTrue();
    }

    @Test
    void aTlsListenerWithoutACertificateIsRefusedByName() {
        String[] r = run("serve", "--listen", "echo+tls=127.0.0.1:0", "--admin", "off");
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[2]).contains("echo+tls listener: no certificate configured (--tls-cert and --tls-key, or --tls-self-signed)");
    }

    @Test
    void certificatesComeInPairsFromFlagsOrEnvironment() throws Exception {
        run("cert", "--out", dir.toString());
        TlsOptions options = new TlsOptions();
        new CommandLine(options).parseArgs("--tls-cert", dir.resolve("cert.pem").toString());
        assertThatThrownBy(() -> options.build(Map.of(), new SimpleMeterRegistry()))
                .hasMessage("--tls-cert and --tls-key come in pairs: got 1 certificate(s) and 0 key(s)");

        TlsOptions fromEnv = new TlsOptions();
        new CommandLine(fromEnv).parseArgs();
        try (var tls = fromEnv.build(Map.of("JSELECTORS_TLS_CERT", dir.resolve("cert.pem").toString(),
                "JSELECTORS_TLS_KEY", dir.resolve("key.pem").toString()), new SimpleMeterRegistry())) {
            assertThat(tls.context().keys().keys()).hasSize(1);
        }
        TlsOptions none = new TlsOptions();
        new CommandLine(none).parseArgs();
        assertThat(none.build(Map.of(), new SimpleMeterRegistry())).isNull();

        TlsOptions both = new TlsOptions();
        new CommandLine(both).parseArgs("--tls-self-signed", "--tls-cert", "a.pem", "--tls-key", "b.pem");
        assertThatThrownBy(() -> both.build(Map.of(), new SimpleMeterRegistry())).hasMessageContaining("exclude each other");
        TlsOptions self = new TlsOptions();
        new CommandLine(self).parseArgs("--tls-self-signed");
        try (var tls = self.build(Map.of(), new SimpleMeterRegistry())) {
            assertThat(tls.context().keys().keys().getFirst().covers("localhost")).isTrue();
        }
    }
}
