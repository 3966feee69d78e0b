/**
 * The kqueue selector backend for macOS and FreeBSD, through the FFM API.
 *
 * <p>{@link io.jselectors.kqueue.KqueueSelectorProvider} registers it with {@link
 * java.util.ServiceLoader}; {@link io.jselectors.selector.Selector#open()} picks it on those systems.
 * All OS knowledge (struct layouts, constants) lives in {@code KeventAbi}, all downcalls in {@code
 * Kqueue}, behind the {@code KqueueSyscalls} seam that the tests replace with a fake kernel.
 */
package io.jselectors.kqueue;
