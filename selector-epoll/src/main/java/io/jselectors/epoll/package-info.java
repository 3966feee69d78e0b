/**
 * The {@code epoll} selector backend for Linux, through the FFM API: {@link
 * io.jselectors.epoll.EpollSelector}, found by {@link io.jselectors.selector.Selector#open()} via
 * {@link io.jselectors.epoll.EpollSelectorProvider}.
 */
package io.jselectors.epoll;
