package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jselectors.protocol.Protocol;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars built by the test itself (the example's sources compiled with javax.tools, so no
 * module build order matters) and loaded from a temporary directory, good and broken side by side.
 */
class PluginLoaderTest {

    @TempDir
    static Path work;

    private static PluginJars jars;

    @TempDir
    Path dir;

    @BeforeAll
    static void compile() throws IOException {
        jars = PluginJars.compile(work);
    }

    private static final ClassLoader SERVER = PluginLoaderTest.class.getClassLoader();

    private static List<String> names(PluginLoader.Plugins plugins) {
        return plugins.protocols().stream().map(p -> p.protocol().name()).toList();
    }

    @Test
    void exampleLoadsInItsOwnClassLoaderSharingTheApi() throws Exception {
        Path jar = jars.daytime(dir);
        try (PluginLoader.Plugins plugins = PluginLoader.load(dir, SERVER)) {
            assertThat(plugins.failures()).isEmpty();
            assertEquals(List.of("daytime"), names(plugins)); // and none of the server's own (echo, chat)
            PluginLoader.Plugin daytime = plugins.protocols().getFirst();
            assertEquals(jar, daytime.jar());
            assertEquals(7013, daytime.protocol().defaultPort());
            ClassLoader loader = daytime.protocol().getClass().getClassLoader();
            assertThat(loader).isNotSameAs(SERVER);
            assertThat(loader.getParent()).isSameAs(SERVER);
            assertThat(loader.loadClass(Protocol.class.getName())).isSameAs(Protocol.class);
            assertThat(loader.loadClass(ByteBuf.class.getName())).isSameAs(ByteBuf.class);
            assertThat(loader.loadClass(MeterRegistry.class.getName())).isSameAs(MeterRegistry.class);
        }
    }

    @Test
    void eachJarHasItsOwnLoader() throws IOException {
        jars.daytime(dir);
        jars.jar(dir, "hello.jar", "test.hello.HelloProtocol", "test.hello.HelloProtocol");
        try (PluginLoader.Plugins plugins = PluginLoader.load(dir, SERVER)) {
            assertEquals(List.of("daytime", "hello"), names(plugins));
            assertThat(plugins.protocols().get(0).protocol().getClass().getClassLoader())
                    .isNotSameAs(plugins.protocols().get(1).protocol().getClass().getClassLoader());
            assertThatThrownBy(() -> plugins.protocols().get(1).protocol().getClass().getClassLoader()
                    .loadClass("io.jselectors.examples.daytime.DaytimeProtocol"))
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void brokenJarsAreReportedByFileNameAndTheGoodOneStillLoads() throws IOException {
        jars.daytime(dir);
        Files.write(dir.resolve("x.jar"), "this is not a zip file".getBytes(StandardCharsets.US_ASCII));
        jars.jar(dir, "missing-class.jar", "test.gone.Missing");
        jars.jar(dir, "ctor-throws.jar", "test.bad.ThrowingProtocol", "test.bad.ThrowingProtocol");
        jars.jar(dir, "missing-dependency.jar", "test.dep.NeedsHelperProtocol", "test.dep.NeedsHelperProtocol");
        jars.jar(dir, "not-a-protocol.jar", "test.odd.NotAProtocol", "test.odd.NotAProtocol");
        jars.jar(dir, "library.jar", null, "test.hello.HelloProtocol");
        jars.jar(dir, "empty-services.jar", "# nothing yet\n", "test.hello.HelloProtocol");
        jars.jar(dir, "server-class.jar", "io.jselectors.protocol.echo.EchoProtocol"); // loads from the server
        Files.writeString(dir.resolve("README.txt"), "not a jar: ignored");
        Files.createDirectory(dir.resolve("folder.jar"));
        try (PluginLoader.Plugins plugins = PluginLoader.load(dir, SERVER)) {
            assertEquals(List.of("daytime"), names(plugins));
            List<String> failures = plugins.failures().stream().map(Object::toString).toList();
            assertThat(failures).hasSize(8);
            assertThat(failures.get(0)).startsWith("ctor-throws.jar: ").contains("ThrowingProtocol")
                    .contains("could not be instantiated, caused by IllegalStateException: no configuration given");
            assertThat(failures.get(1)).startsWith("empty-services.jar: ").contains("names no class of its own");
            assertThat(failures.get(2)).startsWith("library.jar: ").contains("no " + PluginLoader.SERVICES_FILE);
            assertThat(failures.get(3)).startsWith("missing-class.jar: ").contains("test.gone.Missing not found");
            assertThat(failures.get(4)).startsWith("missing-dependency.jar: ")
                    .contains("caused by NoClassDefFoundError: test/dep/Helper");
            assertThat(failures.get(5)).startsWith("not-a-protocol.jar: ")
                    .contains("test.odd.NotAProtocol not a subtype");
            assertThat(failures.get(6)).startsWith("server-class.jar: ").contains("names no class of its own");
            assertThat(failures.get(7)).startsWith("x.jar: ").contains("cannot be read as a jar (ZipException: ");
            assertThat(plugins.failures().get(7).jar()).isEqualTo(dir.resolve("x.jar"));
        }
    }

    @Test
    void twoPluginsWithOneNameAreAnErrorNamingBothJars() throws IOException {
        jars.daytime(dir);
        jars.jar(dir, "other-daytime.jar", "test.clash.OtherDaytimeProtocol", "test.clash.OtherDaytimeProtocol");
        try (PluginLoader.Plugins plugins = PluginLoader.load(dir, SERVER)) {
            Protocols protocols = Protocols.load(SERVER);
            int before = protocols.all().size();
            assertThatThrownBy(() -> plugins.addTo(protocols))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("two protocols are named 'daytime'")
                    .hasMessageContaining("io.jselectors.examples.daytime.DaytimeProtocol (daytime.jar)")
                    .hasMessageContaining("test.clash.OtherDaytimeProtocol (other-daytime.jar)");
            assertEquals(before, protocols.all().size(), "nothing added");
        }
    }

    @Test
    void aPluginNamedLikeAServerProtocolIsAnErrorNamingBoth() throws IOException {
        jars.jar(dir, "my-echo.jar", "test.clash.MyEchoProtocol", "test.clash.MyEchoProtocol");
        try (PluginLoader.Plugins plugins = PluginLoader.load(dir, SERVER)) {
            assertThatThrownBy(() -> plugins.addTo(Protocols.load(SERVER)))
                    .hasMessageContaining("two protocols are named 'echo'")
                    .hasMessageContaining("io.jselectors.protocol.echo.EchoProtocol (")
                    .hasMessageContaining("test.clash.MyEchoProtocol (my-echo.jar)");
        }
    }

    @Test
    void addedPluginsAreServedByName() throws IOException {
        jars.daytime(dir);
        try (PluginLoader.Plugins plugins = PluginLoader.load(dir, SERVER)) {
            Protocols protocols = Protocols.load(SERVER);
            plugins.addTo(protocols);
            assertThat(protocols.get("daytime")).isSameAs(plugins.protocols().getFirst().protocol());
            assertThat(protocols.get("echo")).isNotNull();
        }
    }

    @Test
    void noDirectoryMeansNoPluginsAndAMissingOneIsAnError() throws IOException {
        assertThat(PluginLoader.load((String) null, SERVER).protocols()).isEmpty();
        assertThat(PluginLoader.load("  ", SERVER).protocols()).isEmpty();
        assertThatThrownBy(() -> PluginLoader.load(dir.resolve("nope").toString(), SERVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins directory not found").hasMessageContaining("nope");
    }

    /**
     * Compiles the example plugin's sources and a few test protocols once, and writes jars of any
     * of those classes with any services file.
     */
    static final class PluginJars {

        /** Small protocols for the failure cases; each is one file. */
        private static final Map<String, String> TEST_SOURCES = Map.of(
                "test/hello/HelloProtocol.java", protocol("test.hello", "HelloProtocol", "hello", ""),
                "test/clash/OtherDaytimeProtocol.java", protocol("test.clash", "OtherDaytimeProtocol", "daytime", ""),
                "test/clash/MyEchoProtocol.java", protocol("test.clash", "MyEchoProtocol", "echo", ""),
                "test/bad/ThrowingProtocol.java", protocol("test.bad", "ThrowingProtocol", "bad",
                        "throw new IllegalStateException(\"no configuration given\");"),
                "test/dep/NeedsHelperProtocol.java", protocol("test.dep", "NeedsHelperProtocol", "dep",
                        "new Helper();"),
                "test/dep/Helper.java", "package test.dep; public final class Helper {}",
                "test/odd/NotAProtocol.java", "package test.odd; public final class NotAProtocol {}",
                "test/ws/ShoutEndpoints.java", """
                        package test.ws;
                        import io.jselectors.protocol.*;
                        /** A WebSocket endpoint on /shout that answers every text in capitals. */
                        public final class ShoutEndpoints implements WebSocketEndpointProvider {
                          public String name() { return "shout"; }
                          public String defaultPath() { return "/shout"; }
                          public WebSocketEndpoint newEndpoint(ListenerContext listener, String path) {
                            return new WebSocketEndpoint() {
                              public void onText(WebSocketSession session, String text) {
                                session.sendText(text.toUpperCase(java.util.Locale.ROOT));
                              }
                            };
                          }
                        }
                        """);

        private final Path classes;
        private final Path exampleServices;

        private PluginJars(Path classes, Path exampleServices) {
            this.classes = classes;
            this.exampleServices = exampleServices;
        }

        private static String protocol(String pkg, String cls, String name, String constructorBody) {
            return "package " + pkg + ";\n"
                    + "public final class " + cls + " implements io.jselectors.protocol.Protocol {\n"
                    + "  public " + cls + "() { " + constructorBody + " }\n"
                    + "  public String name() { return \"" + name + "\"; }\n"
                    + "  public int defaultPort() { return 7999; }\n"
                    + "  public io.jselectors.protocol.ProtocolHandler newHandler("
                    + "io.jselectors.protocol.ListenerContext l) { return (c, data) -> data.release(); }\n"
                    + "}\n";
        }

        /** The example module, found from the server module's directory (Surefire's working directory). */
        static Path exampleModule() {
            Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
            Path example = basedir.resolve("../examples/daytime-plugin").normalize();
            assertThat(example.resolve("pom.xml")).as("the example plugin module").exists();
            return example;
        }

        /** Compiles the example and the test protocols into {@code work/classes}. */
        static PluginJars compile(Path work) throws IOException {
            Path example = exampleModule();
            Path sources = work.resolve("src");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none",
                    "-classpath", compileClassPath()));
            for (Map.Entry<String, String> e : TEST_SOURCES.entrySet()) {
                Path file = sources.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                args.add(file.toString());
            }
            try (Stream<Path> files = Files.walk(example.resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            assertThat(javac).as("a JDK (not a JRE) runs the tests").isNotNull();
            ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
            assertEquals(0, status, () -> "javac failed:\n" + diagnostics.toString(StandardCharsets.UTF_8));
            return new PluginJars(classes, example.resolve("src/main/resources/META-INF/services")
                    .resolve(Protocol.class.getName()));
        }

        /** What a plugin compiles against: protocol-api, netty-buffer (and netty-common), micrometer. */
        private static String compileClassPath() {
            List<String> entries = new ArrayList<>();
            for (Class<?> c : List.of(Protocol.class, ByteBuf.class, ReferenceCounted.class, MeterRegistry.class)) {
                try {
                    entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }

        /** Writes {@code dir/daytime.jar}: the example's classes and its own services file. */
        Path daytime(Path dir) throws IOException {
            return jar(dir, "daytime.jar", Files.readString(exampleServices),
                    "io.jselectors.examples.daytime.DaytimeProtocol");
        }

        /**
         * Writes a jar of the named classes (with their nested classes) and a services file
         * holding {@code services}, or none if it is null.
         */
        Path jar(Path dir, String fileName, String services, String... classNames) throws IOException {
            return writeJar(dir, fileName, PluginLoader.SERVICES_FILE, services, classNames);
        }

        /** Writes a jar of one WebSocket endpoint provider class and the services file naming it. */
        Path endpointJar(Path dir, String fileName, String providerClass) throws IOException {
            return writeJar(dir, fileName, PluginLoader.ENDPOINT_SERVICES_FILE, providerClass + "\n", providerClass);
        }

        private Path writeJar(Path dir, String fileName, String servicesFile, String services, String... classNames) throws IOException {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            Path jar = dir.resolve(fileName);
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream zip = new JarOutputStream(out, manifest)) {
                if (services != null) {
                    zip.putNextEntry(new JarEntry(servicesFile));
                    zip.write(services.getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
                for (String className : classNames) {
                    String path = className.replace('.', '/');
                    Path pkg = classes.resolve(path).getParent();
                    String simple = path.substring(path.lastIndexOf('/') + 1);
                    try (Stream<Path> files = Files.list(pkg)) {
                        for (Path f : files.sorted().toList()) {
                            String n = f.getFileName().toString();
                            if (n.equals(simple + ".class") || n.startsWith(simple + "$")) {
                                zip.putNextEntry(new JarEntry(path.substring(0, path.lastIndexOf('/') + 1) + n));
                                zip.write(Files.readAllBytes(f));
                                zip.closeEntry();
                            }
                        }
                    }
                }
            }
            return jar;
        }
    }
}
