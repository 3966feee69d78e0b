package io.jselectors.selector;

import java.io.IOException;
import java.util.Set;

/**
 * A backend, found by {@link java.util.ServiceLoader}: a module registers its implementation in
 * {@code META-INF/services/io.jselectors.selector.SelectorProvider}.
 *
 * <p>{@link Selector#open()} takes the available provider with the highest {@link #priority()}.
 * Providers must be cheap to construct; the OS and symbol checks belong in {@link
 * #unavailabilityCause()}, which is asked once and should be cached.
 */
public interface SelectorProvider {

    /** Priority of kernel event queues (epoll, kqueue). */
    int PRIORITY_EVENT_QUEUE = 100;
    /** Priority of poll(2). */
    int PRIORITY_POLL = 50;
    /** Priority of select(2). */
    int PRIORITY_SELECT = 30;
    /** Priority of the JDK's NIO selector, the fallback that works everywhere. */
    int PRIORITY_NIO = 10;

    /** The backend's name, as accepted by {@link Selector#open(String, SelectorOption...)}. */
    String name();

    /** Higher is preferred; see the {@code PRIORITY_} constants. */
    int priority();

    /**
     * Why this backend cannot work here (wrong OS, missing symbol, a kernel that refuses), or
     * {@code null} if it can.
     */
    String unavailabilityCause();

    /** Options this backend supports; the default supports none. */
    default Set<SelectorOption> supportedOptions() {
        return Set.of();
    }

    /**
     * Opens a new selector. Called only when {@link #unavailabilityCause()} is {@code null} and
     * every option is in {@link #supportedOptions()}.
     */
    Selector open(Set<SelectorOption> options) throws IOException;
}
