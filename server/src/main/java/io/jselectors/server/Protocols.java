package io.jselectors.server;

import io.jselectors.protocol.Protocol;
import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The protocols found with {@link ServiceLoader}, by name. */
final class Protocols {

    private final Map<String, Protocol> byName = new TreeMap<>();

    /** Finds the protocols visible to {@code loader}. */
    static Protocols load(ClassLoader loader) {
        Protocols p = new Protocols();
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
