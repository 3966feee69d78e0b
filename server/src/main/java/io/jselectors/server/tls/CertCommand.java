package io.jselectors.server.tls;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jselectors cert --out DIR [--host NAME]...}: writes a self-signed development certificate. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Write a self-signed development certificate (cert.pem, key.pem) for +tls listeners.")
public final class CertCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write cert.pem and key.pem into.")
    Path out;

    @Option(names = "--host", paramLabel = "NAME", description = "A DNS name or IP address the certificate covers; "
            + "repeatable (default: localhost, 127.0.0.1, ::1).")
    List<String> hosts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CertifiedKey key = SelfSignedCertificate.generate(hosts, Instant.now());
        List<Path> files = SelfSignedCertificate.write(key, out);
        System.out.println("wrote " + files.get(0) + " and " + files.get(1) + " (self-signed, not after " + key.notAfter() + ")");
        System.out.println("serve with: jselectors serve --listen http+tls=8443 --tls-cert " + files.get(0) + " --tls-key " + files.get(1));
        return 0;
    }
}
