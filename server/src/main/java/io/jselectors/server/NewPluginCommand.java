package io.jselectors.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jselectors new-plugin NAME}: writes a Maven project for a protocol plugin that builds,
 * tests and loads as it is: a pom importing {@code jselectors-bom} at this server's version, a
 * {@code Protocol} (a greeting, then echo), its {@code META-INF/services} entry, and a testkit test.
 * The templates are resources next to this class ({@code plugin-template/}).
 */
@Command(name = "new-plugin", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a new protocol plugin project (Maven) into DIR (default: ./NAME-plugin).",
            "Then: cd NAME-plugin && mvn verify, and serve it with --plugins."})
final class NewPluginCommand implements Callable<Integer> {

    /** Protocol names as the CLI takes them ({@code --listen NAME=PORT}, {@code --option NAME.x=y}). */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
    /** The port a new protocol listens on unless told: above ours (7000-7013), below the ephemeral range. */
    static final int DEFAULT_PORT = 7100;

    /**
     * The Maven plugin versions the generated pom pins: the ones our own build uses (the parent
     * pom's pluginManagement; a test checks they agree), so a machine that built jselectors has them.
     */
    static final Map<String, String> MAVEN_PLUGINS = Map.of(
            "CLEAN_VERSION", "3.4.1",
            "RESOURCES_VERSION", "3.3.1",
            "COMPILER_VERSION", "3.14.1",
            "SUREFIRE_VERSION", "3.5.4",
            "JAR_VERSION", "3.4.2",
            "INSTALL_VERSION", "3.1.4");

    @Parameters(paramLabel = "NAME", description = "The protocol's name: lower case letters, digits and dashes.")
    String name;

    @Option(names = "--directory", paramLabel = "DIR", description = "Where to write the project (default: ./NAME-plugin).")
    Path directory;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "Java package (default: com.example.NAME).")
    String javaPackage;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = "com.example",
            description = "Maven groupId (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
            description = "The protocol's default port (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw usage("NAME must be lower case letters, digits and dashes, starting with a letter: '" + name + "'");
        }
        String pkg = javaPackage != null ? javaPackage : "com.example." + name.replace("-", "");
        if (!PACKAGE.matcher(pkg).matches()) {
            throw usage("--package must be a lower case Java package name: '" + pkg + "'");
        }
        if (port < 1 || port > 65535) {
            throw usage("--port must be between 1 and 65535: " + port);
        }
        String version = BuildInfo.current().version();
        if (version.equals(BuildInfo.UNKNOWN)) {
            throw new IllegalStateException("this jselectors was built without its version; run it from the jar");
        }
        Path dir = directory != null ? directory : Path.of(name + "-plugin");
        if (Files.exists(dir) && (!Files.isDirectory(dir) || hasEntries(dir))) {
            throw new IllegalStateException(dir + " exists and is not empty; give another --directory");
        }
        String className = className(name);
        Map<String, String> values = new LinkedHashMap<>(MAVEN_PLUGINS);
        values.put("NAME", name);
        values.put("CLASS", className);
        values.put("PACKAGE_PATH", pkg.replace('.', '/'));
        values.put("PACKAGE", pkg);
        values.put("GROUP", group);
        values.put("PORT", Integer.toString(port));
        values.put("JSELECTORS_VERSION", version);
        Path main = dir.resolve("src/main/java").resolve(pkg.replace('.', '/'));
        Path test = dir.resolve("src/test/java").resolve(pkg.replace('.', '/'));
        write(dir.resolve("pom.xml"), "pom.xml.template", values);
        write(dir.resolve("README.md"), "README.md.template", values);
        write(main.resolve(className + ".java"), "Protocol.java.template", values);
        write(test.resolve(className + "Test.java"), "ProtocolTest.java.template", values);
        Path services = dir.resolve("src/main/resources/META-INF/services/io.jselectors.protocol.Protocol");
        Files.createDirectories(services.getParent());
        Files.writeString(services, pkg + "." + className + "\n");
        PrintWriter out = spec.commandLine().getOut();
        out.printf("wrote %s: protocol %s (%s.%s), default port %d%n", dir, name, pkg, className, port);
        out.printf("next: cd %s && mvn verify, then jselectors serve --plugins DIR-WITH-THE-JAR --listen %s=%d%n",
                dir, name, port);
        out.flush();
        return 0;
    }

    /** {@code my-proto} becomes {@code MyProtoProtocol}. */
    static String className(String protocolName) {
        StringBuilder b = new StringBuilder();
        for (String part : protocolName.split("-")) {
            if (!part.isEmpty()) {
                b.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return b.append("Protocol").toString();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    private static void write(Path target, String template, Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = NewPluginCommand.class.getResourceAsStream("plugin-template/" + template)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("template missing from the jar: " + template));
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            text = text.replace("@" + e.getKey() + "@", e.getValue());
        }
        if (text.matches("(?s).*@[A-Z_]+@.*")) {
            throw new IllegalStateException("template " + template + " has a placeholder without a value");
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, text);
    }
}
