package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jlink'd runtime of the local base image (docker/runtime-modules.txt) has every JDK module
 * the server jar uses. A module left out must be needed only by the classes named here, which the
 * server never loads. (Missing java.xml, for one, made logback log nothing at all.)
 */
class RuntimeModulesTest {

    /** Modules left out on purpose, and the only classes allowed to need them. */
    private static final Map<String, List<String>> LEFT_OUT = Map.of(
            "java.desktop", List.of("io.micrometer.core.instrument.binder.logging.Log4j2Metrics"),
            // gson (Jedis's JSON commands, which the chat does not use) touches its java.sql
            // adapters only after SqlTypesSupport found java.sql with Class.forName.
            // bcpkix's LDAP certificate store helper; the TLS code reads PEM files and builds
            // self-signed certificates, and never loads it.
            "java.sql", List.of("io.micrometer.core.instrument.binder.db.", "com.google.gson.internal.sql.",
                    "org.bouncycastle.x509.util.LDAPStoreHelper"));

    private static Set<String> linked() throws IOException {
        Set<String> modules = new TreeSet<>();
        for (String line : Files.readAllLines(Images.dockerDir().resolve("runtime-modules.txt"))) {
            String m = line.strip();
            if (!m.isEmpty() && !m.startsWith("#")) {
                modules.add(m);
            }
        }
        return modules;
    }

    private static List<String> jdeps(String... args) throws IOException, InterruptedException {
        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Images.require(Files.isExecutable(jdeps), "no jdeps in " + System.getProperty("java.home") + " (a JRE, not a JDK)");
        List<String> command = new ArrayList<>(List.of(jdeps.toString(), "--ignore-missing-deps",
                "--multi-release", String.valueOf(Runtime.version().feature())));
        command.addAll(List.of(args));
        command.add(Images.serverJar().toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("jdeps finished").isTrue();
        assertThat(process.exitValue()).as("jdeps: " + out).isZero();
        return out.lines().toList();
    }

    @Test
    void everyModuleTheServerUsesIsLinked() throws Exception {
        Images.requireJar();
        Set<String> used = new TreeSet<>();
        for (String line : jdeps("--list-deps")) {
            // Lines are "java.base" or "java.base/sun.nio.ch" (an internal package): the module counts.
            String module = line.strip().split("/")[0];
            if (module.matches("[a-z][a-z0-9.]*")) {
                used.add(module);
            }
        }
        assertThat(used).as("jdeps --list-deps").contains("java.base");
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(linked());
        assertThat(LEFT_OUT.keySet()).as("modules jdeps wants that runtime-modules.txt lacks")
                .containsAll(missing);
    }

    @Test
    void modulesLeftOutAreNeededOnlyByClassesTheServerDoesNotLoad() throws Exception {
        Images.requireJar();
        List<String> offenders = new ArrayList<>();
        for (String line : jdeps("-verbose:class")) {
            // "   io.example.Foo   -> java.beans.PropertyChangeListener   java.desktop"
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && f[1].equals("->") && LEFT_OUT.containsKey(f[3])) {
                String user = f[0];
                if (LEFT_OUT.get(f[3]).stream().noneMatch(user::startsWith)) {
                    offenders.add(user + " needs " + f[3] + " (" + f[2] + ")");
                }
            }
        }
        assertThat(offenders).as("classes needing a module left out of the base image's runtime: "
                + "add the module to docker/runtime-modules.txt").isEmpty();
    }
}
