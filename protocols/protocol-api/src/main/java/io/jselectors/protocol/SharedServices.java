package io.jselectors.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * State that several listeners of one server share, by name: the chat rooms, say, that both the
 * chat listener's {@code nc} users and the http listener's WebSocket users sit in. The first {@link
 * #acquire} of a name creates the value; later ones get the same value; the value is closed (if it
 * is {@link AutoCloseable}) when the last lease on it is closed. Thread-safe.
 *
 * <p>The server gives all its listeners one instance ({@link ListenerContext#sharedServices()});
 * two servers in one JVM (tests) share nothing. Creation runs under this registry's lock, so a
 * factory must not call back into it.
 *
 * {@snippet :
 * // in Protocol.createSharedState: the lease is the listener's shared state, closed when it stops
 * SharedServices.Lease<ChatRooms> rooms = listener.sharedServices().acquire("chat", ChatRooms.class, ChatRooms::new);
 * }
 */
public final class SharedServices {

    private final Map<String, Entry> entries = new HashMap<>();

    /** An empty registry (the server makes one for all its listeners). */
    public SharedServices() {}

    /**
     * Returns a lease on the value named {@code name}, creating it with {@code create} if no lease
     * on it is open.
     *
     * @throws ClassCastException if the value held under {@code name} is not a {@code type}
     */
    public synchronized <T> Lease<T> acquire(String name, Class<T> type, Supplier<? extends T> create) {
        Entry entry = entries.get(name);
        if (entry == null) {
            entry = new Entry(Objects.requireNonNull(create.get(), "the factory of " + name + " returned null"));
            entries.put(name, entry);
        }
        T value = type.cast(entry.value);
        entry.leases++;
        return new Lease<>(this, name, value);
    }

    private void release(String name, Object value) throws Exception {
        AutoCloseable toClose = null;
        synchronized (this) {
            Entry entry = entries.get(name);
            if (entry == null || entry.value != value) {
                return;
            }
            if (--entry.leases == 0) {
                entries.remove(name);
                toClose = entry.value instanceof AutoCloseable closeable ? closeable : null;
            }
        }
        if (toClose != null) {
            toClose.close(); // outside the lock: closing may take a while (a broker goodbye)
        }
    }

    private static final class Entry {
        final Object value;
        int leases;

        Entry(Object value) {
            this.value = value;
        }
    }

    /**
     * One holder's claim on a shared value; closing it (once; later closes do nothing) gives the
     * claim up, and the last one closes the value.
     *
     * @param <T> the value's type
     */
    public static final class Lease<T> implements AutoCloseable {
        private final SharedServices owner;
        private final String name;
        private final T value;
        private boolean closed;

        private Lease(SharedServices owner, String name, T value) {
            this.owner = owner;
            this.name = name;
            this.value = value;
        }

        /** The shared value. */
        public T value() {
            return value;
        }

        @Override
        public void close() throws Exception {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            owner.release(name, value);
        }
    }
}
