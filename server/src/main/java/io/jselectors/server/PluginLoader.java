package io.jselectors.server;

import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.WebSocketEndpointProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads protocol plugins: every {@code *.jar} in a directory, each in its own class loader whose
 * parent is the server's, so a plugin shares the server's protocol-api, netty-buffer and micrometer
 * classes and sees nothing of the other plugins. Its protocols are found with {@link ServiceLoader}
 * from the jar's own {@code META-INF/services/io.jselectors.protocol.Protocol}, its WebSocket
 * endpoints (for the http listeners) from {@code
 * META-INF/services/io.jselectors.protocol.WebSocketEndpointProvider}; a jar may have either or
 * both. A plugin that needs a library must bundle it (shade it) into its jar.
 *
 * <p>A jar that cannot be used (not a zip, no services file, a class missing, a constructor that
 * throws) becomes a {@link Failure} naming the file and the reason; the other jars still load. Two
 * protocols with one name are an error when they are {@linkplain Plugins#addTo added} to the
 * server's protocols, since the server could not tell which one {@code --listen NAME=...} means.
 *
 * {@snippet :
 * Protocols protocols = Protocols.load(loader);            // the class path's
 * PluginLoader.Plugins plugins = PluginLoader.load(dir, loader);
 * plugins.failures().forEach(f -> log.warn("plugin not loaded: {}", f));
 * plugins.addTo(protocols);      // throws on a duplicate name; adds the jars to protocols.classLoader()
 * }
 */
final class PluginLoader {

    /** The services file a plugin jar must contain. */
    static final String SERVICES_FILE = "META-INF/services/" + Protocol.class.getName();

    /** The services file of a plugin that adds WebSocket endpoints to the http listeners. */
    static final String ENDPOINT_SERVICES_FILE = "META-INF/services/" + WebSocketEndpointProvider.class.getName();

    /**
     * Providers tried per jar at most. ServiceLoader's iterator carries on after a bad provider, and
     * this bound keeps a services file whose error recurs from looping forever; no real plugin ships
     * near this many protocols.
     */
    static final int MAX_PROVIDERS_PER_JAR = 256;

    private PluginLoader() {}

    /** A protocol and the plugin jar it came from. */
    record Plugin(Protocol protocol, Path jar) {}

    /** A WebSocket endpoint provider (by its name) and the plugin jar it came from. */
    record Endpoint(String name, Path jar) {}

    /** A jar, or one provider in it, that could not be loaded, and why. */
    record Failure(Path jar, String reason) {
        @Override
        public String toString() {
            return jar.getFileName() + ": " + reason;
        }
    }

    /**
     * What a plugins directory held. The class loaders of jars that gave a protocol stay open for
     * the life of the process (classes load lazily from them); tests {@link #close()} them.
     */
    static final class Plugins implements AutoCloseable {
        private final List<Plugin> protocols;
        private final List<Endpoint> endpoints;
        private final List<Failure> failures;
        private final List<JarClassLoader> loaders;

        private Plugins(List<Plugin> protocols, List<Endpoint> endpoints, List<Failure> failures, List<JarClassLoader> loaders) {
            this.protocols = List.copyOf(protocols);
            this.endpoints = List.copyOf(endpoints);
            this.failures = List.copyOf(failures);
            this.loaders = List.copyOf(loaders);
        }

        /** No plugins: what an unset {@code --plugins} gives. */
        static Plugins none() {
            return new Plugins(List.of(), List.of(), List.of(), List.of());
        }

        /** The WebSocket endpoint providers found, in jar file name order. */
        List<Endpoint> endpoints() {
            return endpoints;
        }

        /** The protocols found, in jar file name order. */
        List<Plugin> protocols() {
            return protocols;
        }

        /** The jars (or providers) that could not be loaded, in jar file name order. */
        List<Failure> failures() {
            return failures;
        }

        /**
         * Adds these protocols to {@code target}, and the jars to its {@linkplain
         * Protocols#classLoader() class loader} (where the http listeners find endpoint providers).
         *
         * @throws IllegalArgumentException naming both classes and where they come from, if a
         *     name is already taken (by the class path or another plugin); nothing is added then
         */
        void addTo(Protocols target) {
            List<Protocol> taken = new ArrayList<>(target.all());
            for (Plugin plugin : protocols) {
                Protocol p = plugin.protocol();
                for (Protocol other : taken) {
                    if (other.name().equals(p.name()) && other.getClass() != p.getClass()) {
                        throw new IllegalArgumentException("two protocols are named '" + p.name() + "': "
                                + describe(other) + " and " + describe(p));
                    }
                }
                taken.add(p);
            }
            protocols.forEach(plugin -> target.add(plugin.protocol()));
            target.addPlugins(loaders);
        }

        /** Closes the plugins' class loaders; only once no server uses their protocols. */
        @Override
        public void close() throws IOException {
            for (JarClassLoader loader : loaders) {
                loader.close();
            }
        }
    }

    /**
     * Loads the jars of {@code dir}, or nothing when {@code dir} is null or blank (so the flag and
     * its environment variable can be passed straight through).
     *
     * @throws IllegalArgumentException if {@code dir} is given but is not a directory
     */
    static Plugins load(String dir, ClassLoader parent) throws IOException {
        return dir == null || dir.isBlank() ? Plugins.none() : load(Path.of(dir.trim()), parent);
    }

    /**
     * Loads every {@code *.jar} in {@code dir} (not in subdirectories), in file name order.
     *
     * @param parent the server's class loader, the parent of each jar's loader
     * @throws IllegalArgumentException if {@code dir} is not a directory
     * @throws IOException if the directory cannot be listed
     */
    static Plugins load(Path dir, ClassLoader parent) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("plugins directory not found: " + dir.toAbsolutePath());
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
        List<Plugin> found = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<JarClassLoader> loaders = new ArrayList<>();
        for (Path jar : jars) {
            String unusable = checkJar(jar);
            if (unusable != null) {
                failures.add(new Failure(jar, unusable));
                continue;
            }
            JarClassLoader loader = new JarClassLoader(jar, parent);
            int foundBefore = found.size() + endpoints.size();
            int failedBefore = failures.size();
            loadProviders(jar, loader, Protocol.class, Protocol::name, (name, p) -> found.add(new Plugin(p, jar)), failures);
            loadProviders(jar, loader, WebSocketEndpointProvider.class, WebSocketEndpointProvider::name,
                    (name, p) -> endpoints.add(new Endpoint(name, jar)), failures);
            if (found.size() + endpoints.size() > foundBefore) {
                loaders.add(loader);
                continue;
            }
            loader.close();
            if (failures.size() == failedBefore) {
                failures.add(new Failure(jar, "its services file names no class of its own"));
            }
        }
        return new Plugins(found, endpoints, failures, loaders);
    }

    /** Why {@code jar} cannot be a plugin, or null if it can: a failure here needs no class loader. */
    private static String checkJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(SERVICES_FILE) == null && file.getEntry(ENDPOINT_SERVICES_FILE) == null) {
                return "no " + SERVICES_FILE + " (nor " + ENDPOINT_SERVICES_FILE + ") in it, so it provides nothing";
            }
            return null;
        } catch (IOException e) {
            return "cannot be read as a jar (" + reason(e) + ")";
        }
    }

    /** Instantiates the {@code service} providers of one jar: each good one goes to {@code found}, the others to {@code failures}. */
    private static <S> void loadProviders(Path jar, ClassLoader loader, Class<S> service, java.util.function.Function<S, String> nameOf,
            java.util.function.BiConsumer<String, S> found, List<Failure> failures) {
        Iterator<S> providers = ServiceLoader.load(service, loader).iterator();
        for (int i = 0; i < MAX_PROVIDERS_PER_JAR; i++) {
            S protocol;
            String name;
            try {
                if (!providers.hasNext()) {
                    return;
                }
                protocol = providers.next();
                name = nameOf.apply(protocol);
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                // LinkageError: a class the provider needs is missing or broken; ServiceLoader
                // passes those through unwrapped when they happen while it resolves the class.
                failures.add(new Failure(jar, reason(e)));
                continue;
            }
            if (protocol.getClass().getClassLoader() != loader) {
                continue; // the server's own class (on its class path): found there already
            }
            if (name == null || name.isBlank()) {
                failures.add(new Failure(jar, protocol.getClass().getName() + " has no name"));
            } else {
                found.accept(name, protocol);
            }
        }
        failures.add(new Failure(jar, "more than " + MAX_PROVIDERS_PER_JAR + " providers; the rest are ignored"));
    }

    /** A class and the jar (or directory) it was loaded from, for error messages. */
    static String describe(Protocol protocol) {
        Class<?> type = protocol.getClass();
        CodeSource source = type.getProtectionDomain().getCodeSource();
        String where = "unknown location";
        if (source != null && source.getLocation() != null) {
            try {
                Path path = Path.of(source.getLocation().toURI());
                where = Files.isDirectory(path) ? path.toString() : String.valueOf(path.getFileName());
            } catch (Exception e) {
                where = source.getLocation().toString();
            }
        }
        return type.getName() + " (" + where + ")";
    }

    /** {@code e} and its causes, short enough for one log line. */
    static String reason(Throwable e) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause(), depth++) {
            if (depth > 0) {
                sb.append(", caused by ");
            }
            String message = t.getMessage();
            String prefix = Protocol.class.getName() + ": Provider ";
            if (t instanceof ServiceConfigurationError && message != null && message.startsWith(prefix)) {
                // ServiceLoader names the service in every message; here it is always Protocol.
                sb.append(message.substring(prefix.length() - "Provider ".length()));
            } else {
                sb.append(t.getClass().getSimpleName());
                if (message != null) {
                    sb.append(": ").append(message);
                }
            }
        }
        return sb.toString();
    }

    /**
     * One plugin jar's class loader. Classes are looked up parent first (so the API classes are
     * the server's), but services files come from this jar only: otherwise ServiceLoader would
     * also read the server's own files and report each of the server's protocols once per jar.
     */
    static final class JarClassLoader extends URLClassLoader {

        static {
            registerAsParallelCapable();
        }

        JarClassLoader(Path jar, ClassLoader parent) {
            super("plugin:" + jar.getFileName(), new URL[] {toUrl(jar)}, parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (name.startsWith("META-INF/services/")) {
                return findResources(name);
            }
            return super.getResources(name);
        }

        /** The resources named {@code name} in this jar alone, not its parent's. */
        Enumeration<URL> ownResources(String name) throws IOException {
            return findResources(name);
        }

        private static URL toUrl(Path jar) {
            try {
                return jar.toUri().toURL();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The server's class loader and every plugin jar's, as one: what {@link ServiceLoader} needs
     * to find a service's providers on the class path and in the plugins alike. A class is looked
     * up in the server's loader first, then in each jar (in file name order); it is defined by the
     * jar's own loader, so each plugin keeps its own classes. Resources (the services files) are
     * the server's followed by each jar's own.
     */
    static final class AllPlugins extends ClassLoader {

        static {
            registerAsParallelCapable();
        }

        private final List<JarClassLoader> jars;

        AllPlugins(ClassLoader server, List<? extends JarClassLoader> jars) {
            super("plugins", server);
            this.jars = List.copyOf(jars);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            for (JarClassLoader jar : jars) {
                try {
                    return jar.loadClass(name);
                } catch (ClassNotFoundException e) {
                    // not in this jar: the next one may have it
                }
            }
            throw new ClassNotFoundException(name + " (in neither the server nor a plugin jar)");
        }

        @Override
        protected URL findResource(String name) {
            for (JarClassLoader jar : jars) {
                URL url = jar.findResource(name);
                if (url != null) {
                    return url;
                }
            }
            return null;
        }

        @Override
        protected Enumeration<URL> findResources(String name) throws IOException {
            List<URL> urls = new ArrayList<>();
            for (JarClassLoader jar : jars) {
                urls.addAll(java.util.Collections.list(jar.ownResources(name)));
            }
            return java.util.Collections.enumeration(urls);
        }
    }
}
