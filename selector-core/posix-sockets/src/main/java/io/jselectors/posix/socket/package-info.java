/**
 * Non-blocking TCP sockets over IPv4 and IPv6 as plain int fds, through FFM: {@link
 * io.jselectors.posix.socket.Sockets} (socket, bind, listen, accept4 or accept + fcntl, connect,
 * send/recv, shutdown), {@link io.jselectors.posix.socket.SocketOptions} (setsockopt, getsockopt, SO_LINGER,
 * SO_ERROR), {@link io.jselectors.posix.socket.SockAddr} (the {@code
 * sockaddr_in}/{@code sockaddr_in6} layouts, with the BSDs' {@code sin_len}) and {@link
 * io.jselectors.posix.socket.SocketOption}. Built on selector-core's libc layer ({@code
 * io.jselectors.posix}: errno capture, constant tables, fds).
 *
 * <p>A module of its own (artifact {@code posix-sockets}, nested in selector-core's directory) and
 * not part of the selectors API: no backend uses it. The modules that drive a selector over real
 * sockets declare it: the server's native transport, the HTTP client and the load generator.
 */
package io.jselectors.posix.socket;
