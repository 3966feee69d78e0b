package io.jselectors.selector;

/**
 * One registration: the object the caller registered, the file descriptor it resolved to, the
 * events asked for and the caller's attachment.
 *
 * <p>Keys are immutable values, as Python's {@code SelectorKey} named tuple is: {@link
 * Selector#modify modify} stores a new key and never changes one handed out before. Equality is by
 * value over all four fields. {@link Selector#select(java.time.Duration) select} reports the very
 * key objects stored in the selector's map.
 *
 * @param fileobj the object passed to {@code register}: an {@link Integer} fd, a {@link HasFileno},
 *     or (on the {@code nio} backend) a {@link java.nio.channels.SelectableChannel}
 * @param fd the file descriptor the object resolved to when it was registered (on the {@code nio}
 *     backend a selector-local handle, since the JDK does not expose a channel's fd)
 * @param events the events asked for: {@link Selector#EVENT_READ}, {@link Selector#EVENT_WRITE} or
 *     both
 * @param data the caller's attachment, may be {@code null}
 */
public record SelectorKey(Object fileobj, int fd, int events, Object data) {

    /** Returns a copy of this key with other events. */
    SelectorKey withEvents(int newEvents, Object newData) {
        return new SelectorKey(fileobj, fd, newEvents, newData);
    }

    /** Returns {@code true} if this key asks for {@link Selector#EVENT_READ}. */
    public boolean wantsRead() {
        return (events & Selector.EVENT_READ) != 0;
    }

    /** Returns {@code true} if this key asks for {@link Selector#EVENT_WRITE}. */
    public boolean wantsWrite() {
        return (events & Selector.EVENT_WRITE) != 0;
    }
}
