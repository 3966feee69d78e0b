package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jselectors new-plugin}: the project it writes builds, passes its tests and loads into a
 * server, starting from a local Maven repository that has none of our artifacts.
 *
 * <p>How the clean repository is made, offline and fast: the test runs Maven with a new, empty
 * {@code -Dmaven.repo.local} (the "head") and, as a read-only tail ({@code
 * -Dmaven.repo.local.tail}, Maven 3.9's chained local repository), a tree of symbolic links to the
 * build's own local repository <em>without</em> {@code io/jselectors}. Third-party artifacts
 * (plugins, netty, JUnit) are read from the tail, never copied or downloaded again; every
 * {@code io.jselectors} artifact must come from the head, into which the test runs the README's
 * one install command. Then it writes a plugin with the CLI and builds it offline ({@code -o})
 * against head and tail: a missing artifact of ours fails the build, as it would on a user's
 * clean {@code ~/.m2}.
 */
class NewPluginTest {

    /** Bounds each Maven run so a hung build cannot hang the suite (not a performance claim). */
    private static final Duration MAVEN_LIMIT = Duration.ofMinutes(8);

    private static CommandLineTest.Result cli(String... args) {
        return CommandLineTest.run(args);
    }

    @Test
    void writesAProjectWithProtocolServicesFileAndTest(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("my-proto-plugin");
        CommandLineTest.Result r = cli("new-plugin", "my-proto", "--directory", dir.toString(), "--package", "org.acme.proto");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + dir, "protocol my-proto");
        assertThat(dir.resolve("src/main/java/org/acme/proto/MyProtoProtocol.java")).content()
                .contains("package org.acme.proto;", "return \"my-proto\";", "return 7100;");
        assertThat(dir.resolve("src/main/resources/META-INF/services/io.jselectors.protocol.Protocol"))
                .hasContent("org.acme.proto.MyProtoProtocol");
        assertThat(dir.resolve("src/test/java/org/acme/proto/MyProtoProtocolTest.java")).exists();
        assertThat(dir.resolve("pom.xml")).content().contains("<artifactId>jselectors-bom</artifactId>",
                "<jselectors.version>" + BuildInfo.current().version() + "</jselectors.version>",
                "<artifactId>my-proto-plugin</artifactId>").doesNotContainPattern("@[A-Z_]+@");
        assertThat(dir.resolve("pom.xml")).content().as("a WebSocket endpoint's testkit, at test scope")
                .containsPattern("<artifactId>websocket-testkit</artifactId>\\s*<scope>test</scope>");
        assertThat(dir.resolve("README.md")).content().as("the same install command as the repository's README")
                .contains("-pl " + readmeInstallModules() + " -am install");
    }

    @Test
    void refusesBadNamesAndNonEmptyDirectories(@TempDir Path tmp) throws IOException {
        CommandLineTest.Result bad = cli("new-plugin", "My Proto", "--directory", tmp.resolve("x").toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("NAME must be lower case").hasLineCount(1);
        Files.writeString(tmp.resolve("taken.txt"), "mine");
        CommandLineTest.Result taken = cli("new-plugin", "ok", "--directory", tmp.toString());
        assertThat(taken.status()).isEqualTo(1);
        assertThat(taken.err()).contains("exists and is not empty").hasLineCount(1);
        assertThat(tmp).isDirectoryNotContaining("glob:**/pom.xml");
    }

    @Test
    void generatedPomPinsThePluginVersionsOurBuildUses() throws IOException {
        Path parent = repositoryRoot().resolve("pom.xml");
        String pom = Files.readString(parent);
        Map<String, String> ours = Map.of("CLEAN_VERSION", "maven-clean-plugin", "RESOURCES_VERSION",
                "maven-resources-plugin", "COMPILER_VERSION", "maven-compiler-plugin", "SUREFIRE_VERSION",
                "maven-surefire-plugin", "JAR_VERSION", "maven-jar-plugin", "INSTALL_VERSION", "maven-install-plugin");
        assertThat(NewPluginCommand.MAVEN_PLUGINS).containsOnlyKeys(ours.keySet());
        ours.forEach((key, artifact) -> {
            Matcher m = Pattern.compile("<artifactId>" + artifact + "</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
            assertThat(m.find()).as(artifact + " in " + parent).isTrue();
            assertThat(NewPluginCommand.MAVEN_PLUGINS.get(key)).as(artifact).isEqualTo(m.group(1));
        });
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void generatedProjectBuildsTestsAndLoadsFromACleanRepository(@TempDir Path tmp) throws Exception {
        String build = System.getProperty("jselectors.test.localRepository");
        Assumptions.assumeTrue(build != null && Files.isDirectory(Path.of(build)),
                "jselectors.test.localRepository (set by server/pom.xml) names no directory: " + build);
        Path head = Files.createDirectories(tmp.resolve("head"));
        Path tail = tailWithoutOurArtifacts(Path.of(build), tmp.resolve("tail"));
        try {
            buildTestAndLoad(tmp, head, tail);
        } finally {
            unlinkTail(tail); // before @TempDir cleans up, which warns about every link it meets
        }
    }

    private void buildTestAndLoad(Path tmp, Path head, Path tail) throws Exception {
        Path root = repositoryRoot();
        List<String> repos = List.of("-Dmaven.repo.local=" + head, "-Dmaven.repo.local.tail=" + tail);

        // The README's install command (not offline: on a machine whose cache lacks the install
        // plugin, Maven fetches it into the head).
        maven(root, tmp.resolve("install.log"), repos, "-pl", readmeInstallModules(), "-am", "install", "-DskipTests");
        assertThat(head.resolve("io/jselectors/jselectors-bom/0.1.0-SNAPSHOT")).isDirectory();
        assertThat(head.resolve("io/jselectors/websocket-testkit/0.1.0-SNAPSHOT")).isDirectory();

        Path project = tmp.resolve("greeting-plugin");
        CommandLineTest.Result generated = cli("new-plugin", "greeting", "--directory", project.toString(), "--port", "7171");
        assertThat(generated.status()).as(generated.err()).isZero();
        maven(root, tmp.resolve("plugin.log"), repos, "-o", "-f", project.resolve("pom.xml").toString(), "verify");

        Path report = project.resolve("target/surefire-reports/com.example.greeting.GreetingProtocolTest.txt");
        assertThat(report).content().contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
        Path jar = project.resolve("target/greeting-plugin-0.1.0-SNAPSHOT.jar");
        assertThat(jar).isRegularFile();

        // Loaded as `serve --plugins DIR` loads it, and served over a real socket.
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        try (PluginLoader.Plugins found = PluginLoader.load(plugins.toString(), getClass().getClassLoader())) {
            assertThat(found.failures()).isEmpty();
            Protocols protocols = Protocols.load(getClass().getClassLoader());
            found.addTo(protocols);
            Server server = Server.start(ServerSettings.defaults(
                    List.of(ServerSettings.ListenerSpec.parse("greeting=127.0.0.1:0", "127.0.0.1"))).withWorkers(1),
                    protocols, new SimpleMeterRegistry());
            try (Socket s = new Socket()) {
                s.connect(server.address("greeting"));
                s.setSoTimeout(10_000);
                byte[] greeting = "hello from greeting\r\n".getBytes(StandardCharsets.US_ASCII);
                assertThat(s.getInputStream().readNBytes(greeting.length)).isEqualTo(greeting);
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));
            } finally {
                server.shutdown();
            }
        }
    }

    /**
     * The modules of the README's install command ({@code ./mvnw ... -pl MODULES -am install}), so
     * the test runs what a reader runs.
     */
    private static String readmeInstallModules() throws IOException {
        Matcher m = Pattern.compile("^\\./mvnw .*-pl (\\S+) -am install -DskipTests", Pattern.MULTILINE)
                .matcher(Files.readString(repositoryRoot().resolve("README.md")));
        assertThat(m.find()).as("the plugin install command in README.md").isTrue();
        return m.group(1);
    }

    /**
     * A read-only view of {@code repository} without {@code io/jselectors}: symbolic links to its
     * entries, so nothing is copied and the build's repository is never written.
     */
    private static Path tailWithoutOurArtifacts(Path repository, Path tail) throws IOException {
        Files.createDirectories(tail);
        try (Stream<Path> top = Files.list(repository)) {
            for (Path entry : top.toList()) {
                if (entry.getFileName().toString().equals("io") && Files.isDirectory(entry)) {
                    Path io = Files.createDirectories(tail.resolve("io"));
                    try (Stream<Path> groups = Files.list(entry)) {
                        for (Path group : groups.toList()) {
                            if (!group.getFileName().toString().equals("jselectors")) {
                                Files.createSymbolicLink(io.resolve(group.getFileName()), group.toAbsolutePath());
                            }
                        }
                    }
                } else {
                    Files.createSymbolicLink(tail.resolve(entry.getFileName()), entry.toAbsolutePath());
                }
            }
        }
        return tail;
    }

    private static void unlinkTail(Path tail) throws IOException {
        try (Stream<Path> links = Files.walk(tail, 2)) {
            for (Path link : links.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    private static void maven(Path root, Path log, List<String> repos, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-ntp", "-q"));
        command.addAll(repos);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(MAVEN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("maven did not finish within " + MAVEN_LIMIT + ": " + command);
        }
        assertThat(p.exitValue()).as("%s%n%s", command, Files.readString(log)).isZero();
    }

    /** The checkout this test runs in: the nearest directory above with mvnw and bom/pom.xml. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("bom/pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no jselectors checkout above " + Path.of("").toAbsolutePath());
    }
}
