/**
 * Python's {@code selectors} module for Java: register file descriptors for READ/WRITE
 * readiness and {@linkplain io.jselectors.selector.Selector#select(java.time.Duration) select}
 * the ready ones.
 *
 * <p>{@link io.jselectors.selector.Selector#open()} is Python's {@code DefaultSelector}: it asks
 * every {@link io.jselectors.selector.SelectorProvider} found by {@link java.util.ServiceLoader}
 * whether it works here and takes the best. Backends: {@code epoll} (Linux), {@code kqueue}
 * (macOS, FreeBSD), {@code poll} and {@code select} (POSIX), {@code nio} (anywhere, channels only).
 *
 * <p>Where this API deliberately differs from CPython, the Javadoc of the method says so.
 */
package io.jselectors.selector;
