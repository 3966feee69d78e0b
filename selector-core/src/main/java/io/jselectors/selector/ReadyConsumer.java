package io.jselectors.selector;

/**
 * Receives ready keys from {@link Selector#select(java.time.Duration, ReadyConsumer)}, the
 * allocation-free form of select.
 *
 * <p>It is called on the selecting thread, once per ready file descriptor, before {@code select}
 * returns. It may register, modify and unregister file descriptors of the same selector; a key
 * unregistered during the batch is not reported afterwards.
 */
@FunctionalInterface
public interface ReadyConsumer {

    /**
     * Called for one ready key.
     *
     * @param key the registered key
     * @param events the ready events, a non-empty subset of {@code key.events()}
     */
    void accept(SelectorKey key, int events);
}
