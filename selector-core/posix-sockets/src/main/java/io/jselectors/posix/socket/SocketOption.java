package io.jselectors.posix.socket;

import io.jselectors.posix.PosixConstants;

/**
 * The int-valued socket options {@link SocketOptions#set} and {@link SocketOptions#get} know, with
 * their level and number on this OS. Boolean options are set with 1 or 0 and read as zero or
 * non-zero (the BSDs return the option's bit, not 1).
 *
 * <p>{@code IPPROTO_TCP} (6), {@code IPPROTO_IPV6} (41) and {@code TCP_NODELAY} (1) are the same on
 * Linux, macOS and FreeBSD ({@code netinet/in.h}, {@code netinet/tcp.h}); the {@code SOL_SOCKET}
 * options differ and come from {@link PosixConstants}.
 */
public enum SocketOption {
    /** SO_REUSEADDR: bind a listening port that still has connections in TIME_WAIT. */
    SO_REUSEADDR,
    /** SO_REUSEPORT: several sockets listen on one port (the kernel balances on Linux). */
    SO_REUSEPORT,
    /** SO_KEEPALIVE: TCP keep-alive probes. */
    SO_KEEPALIVE,
    /** SO_SNDBUF: send buffer size in bytes (Linux reports double what was set). */
    SO_SNDBUF,
    /** SO_RCVBUF: receive buffer size in bytes (Linux reports double what was set). */
    SO_RCVBUF,
    /** TCP_NODELAY: disable Nagle's algorithm. */
    TCP_NODELAY,
    /** IPV6_V6ONLY: an AF_INET6 socket does not accept IPv4-mapped traffic. */
    IPV6_V6ONLY;

    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;
    static final int TCP_NODELAY_VALUE = 1;

    /** The {@code level} argument of setsockopt on the OS of {@code c}. */
    int level(PosixConstants c) {
        return switch (this) {
            case TCP_NODELAY -> IPPROTO_TCP;
            case IPV6_V6ONLY -> IPPROTO_IPV6;
            default -> c.solSocket();
        };
    }

    /** The {@code optname} argument of setsockopt on the OS of {@code c}. */
    int optionName(PosixConstants c) {
        return switch (this) {
            case SO_REUSEADDR -> c.soReuseaddr();
            case SO_REUSEPORT -> c.soReuseport();
            case SO_KEEPALIVE -> c.soKeepalive();
            case SO_SNDBUF -> c.soSndbuf();
            case SO_RCVBUF -> c.soRcvbuf();
            case TCP_NODELAY -> TCP_NODELAY_VALUE;
            case IPV6_V6ONLY -> c.ipv6V6only();
        };
    }
}
