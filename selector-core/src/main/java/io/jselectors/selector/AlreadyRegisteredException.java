package io.jselectors.selector;

/**
 * Thrown by {@link Selector#register} when the file descriptor is already registered, by the same
 * or another object: Python's {@code KeyError("... (FD n) is already registered")}.
 */
public final class AlreadyRegisteredException extends IllegalStateException {

    /** Creates the exception with Python's message. */
    public AlreadyRegisteredException(Object fileobj, int fd) {
        super(fileobj + " (FD " + fd + ") is already registered");
    }
}
