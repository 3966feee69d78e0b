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
 *
 * <h2>For backend writers: the kit</h2>
 * The levels of CPython's {@code selectors.py}: {@link io.jselectors.selector.Selector} is the
 * contract; {@link io.jselectors.selector.AbstractSelector} the bookkeeping (fd to key table, check
 * order, rollback, EINTR retry); {@link io.jselectors.selector.PollLikeSelector} the family that
 * hands a user-space interest set to the kernel on every wait (poll, select); the leaves only talk
 * to the kernel. Shared by every leaf: {@link io.jselectors.selector.Timeouts} (one rounding rule),
 * {@link io.jselectors.posix.Waker} (wakeup coalescing and the close rule over an eventfd, a pipe
 * or {@code EVFILT_USER}), the errno helpers of {@link io.jselectors.posix.Native}, and {@link
 * io.jselectors.selector.AbstractSelectorProvider} (name, priority and a probe that runs once).
 */
package io.jselectors.selector;
