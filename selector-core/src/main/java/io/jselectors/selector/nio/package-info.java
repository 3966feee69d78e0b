/**
 * The {@code nio} backend: jselectors' contract on top of {@link java.nio.channels.Selector}. It
 * takes {@link java.nio.channels.SelectableChannel}s, not raw fds, and works wherever the JDK does.
 */
package io.jselectors.selector.nio;
