package io.jselectors.server;

import io.jselectors.protocol.Protocol;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The protocols found with {@link ServiceLoader}, by name, and the class loader they were found in
 * (the server's class path and the plugin jars {@linkplain #addPlugins added}), which listeners
 * hand their protocol as {@link io.jselectors.protocol.ListenerContext#pluginClassLoader()}.
 */
final class Protocols {

    private final Map<String, Protocol> byName = new TreeMap<>();
    private ClassLoader classLoader = Protocols.class.getClassLoader();

    /** Finds the protocols visible to {@code loader}. */
    static Protocols load(ClassLoader loader) {
        Protocols p = new Protocols();
        p.classLoader = loader;
        for (Protocol protocol : ServiceLoader.load(Protocol.class, loader)) {
            p.add(protocol);
        }
        return p;
    }

    void add(Protocol protocol) {
        Protocol existing = byName.putIfAbsent(protocol.name(), protocol);
        if (existing != null && existing.getClass() != protocol.getClass()) {
            throw new IllegalStateException("two protocols are named '" + protocol.name() + "': "
                    + existing.getClass().getName() + " and " + protocol.getClass().getName());
        }
    }

    /**
     * Makes the plugin jars' classes and services visible through {@link #classLoader()}, beside
     * those of the loader the protocols were first found in.
     */
    void addPlugins(List<? extends PluginLoader.JarClassLoader> jars) {
        if (!jars.isEmpty()) {
            classLoader = new PluginLoader.AllPlugins(classLoader, jars);
        }
    }

    /** Where the protocols were found: the server's class path and the plugin jars. */
    ClassLoader classLoader() {
        return classLoader;
    }

    Protocol get(String name) {
        Protocol p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no protocol named '" + name + "'; found: " + String.join(", ", byName.keySet()));
        }
        return p;
    }

    Collection<Protocol> all() {
        return byName.values();
    }
}
