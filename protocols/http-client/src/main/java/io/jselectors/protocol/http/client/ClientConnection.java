package io.jselectors.protocol.http.client;

import io.jselectors.selector.HasFileno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One client socket and where it is in its life: connecting, the TLS handshake (https), sending a request, receiving the
 * response, or idle between requests (kept alive for the next fetch to the same host and port).
 * It is both the registered file object and the key's data. Loop thread only.
 */
final class ClientConnection implements HasFileno {

    enum State { CONNECTING, HANDSHAKING, SENDING, RECEIVING, IDLE, CLOSED }

    final int fd;
    final String origin;
    final InetSocketAddress remote;
    final ResponseParser parser;
    /** The TLS session of an https connection; {@code null} for http. */
    final TlsChannel tls;
    State state = State.CONNECTING;
    /** The fetch this connection is working on; {@code null} while idle. */
    Fetch fetch;
    /** The request being sent, and its bytes still to go on the wire (records, for https; made when sending starts). */
    byte[] request;
    ByteBuffer out;
    /** Requests this connection has carried, the current one included. */
    int requests;
    /** The events the selector watches for now. */
    int interest;

    ClientConnection(int fd, String origin, InetSocketAddress remote, int keepBodyBytes, TlsChannel tls) {
        this.fd = fd;
        this.tls = tls;
        this.origin = origin;
        this.remote = remote;
        this.parser = new ResponseParser(keepBodyBytes);
    }

    /** The fd while open; {@code -1} once closed, so the selector finds it by identity. */
    @Override
    public int fileno() {
        return state == State.CLOSED ? -1 : fd;
    }

    /** A request went out on this connection before the current one. */
    boolean reused() {
        return requests > 1;
    }

    /** What this connection is doing, for a timeout message: {@code waiting for the response}. */
    String doing() {
        return switch (state) {
            case CONNECTING -> "connecting to " + text(remote);
            case HANDSHAKING -> "in the TLS handshake with " + text(remote);
            case SENDING -> "sending the request";
            default -> parser.started()
                    ? "reading the response (" + parser.bodyBytes() + " body bytes so far)"
                    : "waiting for the response";
        };
    }

    @Override
    public String toString() {
        return "connection fd " + fd + " to " + remote + " (" + state + ")";
    }

    /** {@code ECONNREFUSED (Connection refused)} for a system call's error, the message otherwise. */
    static String reason(IOException e) {
        return e instanceof ErrnoException errno ? errno.errnoName() + " (" + Libc.strerror(errno.errno()) + ")" : e.getMessage();
    }

    /** {@code 127.0.0.1:80}, {@code [::1]:80}: an address for messages. */
    static String text(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
