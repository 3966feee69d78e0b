/**
 * The select(2) backend ({@code "select"}): the oldest POSIX multiplexer, limited to fds below
 * FD_SETSIZE (1024). {@link io.jselectors.selector.select.SelectSelector} is the selector; the
 * provider registers it.
 */
package io.jselectors.selector.select;
