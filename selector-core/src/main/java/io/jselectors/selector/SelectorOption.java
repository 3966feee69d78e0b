package io.jselectors.selector;

/**
 * Options a backend may support when a selector is opened with {@link Selector#open(String,
 * SelectorOption...)}. A backend that does not support an option refuses it with {@link
 * UnsupportedOperationException} rather than ignoring it.
 */
public enum SelectorOption {

    /**
     * Edge-triggered readiness (epoll's {@code EPOLLET}): a file descriptor is reported when it
     * becomes ready, not for as long as it is ready. The rule it imposes on the caller: after an
     * event, read (or write) until the call returns {@code EAGAIN}, or no further event comes for
     * the data already waiting.
     */
    EDGE_TRIGGERED
}
