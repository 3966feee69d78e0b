package io.jselectors.selector;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link Selector#unregister}, {@link Selector#modify} and {@link Selector#getKey} for a
 * file object that is not registered: Python's {@code KeyError("... is not registered")}.
 */
public final class NotRegisteredException extends NoSuchElementException {

    /** Creates the exception with Python's message. */
    public NotRegisteredException(Object fileobj) {
        super(fileobj + " is not registered");
    }
}
