package io.jselectors.selector;

/**
 * An object that exposes its file descriptor, Python's {@code fileno()} protocol.
 *
 * <p>A selector resolves such an object to its fd when it is registered and looked up. An object
 * that has been closed since it was registered should return {@code -1} (or throw {@link
 * IllegalStateException}); the selector then finds its key by identity, so it can still be
 * unregistered.
 *
 * {@snippet :
 * record Tty(int fileno) implements HasFileno {}
 * selector.register(new Tty(0), Selector.EVENT_READ);
 * }
 */
@FunctionalInterface
public interface HasFileno {

    /** Returns the file descriptor, or {@code -1} if this object has been closed. */
    int fileno();
}
