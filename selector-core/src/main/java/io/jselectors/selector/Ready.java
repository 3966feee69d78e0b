package io.jselectors.selector;

/**
 * One entry of {@link Selector#select(java.time.Duration)}'s result: a registered key and the
 * events it is ready for, always a non-empty subset of {@code key.events()} (an edge-triggered
 * selector may add {@link Selector#EVENT_PEER_CLOSED} to READ).
 *
 * @param key the key stored in the selector (the same object {@link Selector#getKey} returns)
 * @param events the ready events, {@link Selector#EVENT_READ} and/or {@link Selector#EVENT_WRITE}
 */
public record Ready(SelectorKey key, int events) {

    /** Returns {@code true} if {@link Selector#EVENT_READ} is ready. */
    public boolean readable() {
        return (events & Selector.EVENT_READ) != 0;
    }

    /** Returns {@code true} if {@link Selector#EVENT_WRITE} is ready. */
    public boolean writable() {
        return (events & Selector.EVENT_WRITE) != 0;
    }
}
