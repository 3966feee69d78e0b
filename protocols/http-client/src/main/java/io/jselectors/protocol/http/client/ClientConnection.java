package io.jselectors.protocol.http.client;

import io.jselectors.selector.HasFileno;
import java.net.InetSocketAddress;

/**
 * One client socket and where it is in its life: connecting, sending a request, receiving the
 * response, or idle between requests (kept alive for the next fetch to the same host and port).
 * It is both the registered file object and the key's data. Loop thread only.
 */
final class ClientConnection implements HasFileno {

    enum State { CONNECTING, SENDING, RECEIVING, IDLE, CLOSED }

    final int fd;
    final String authority;
    final InetSocketAddress remote;
    final ResponseParser parser;
    State state = State.CONNECTING;
    /** The fetch this connection is working on; {@code null} while idle. */
    Fetch fetch;
    /** The request being sent and how much of it is out. */
    byte[] request;
    int sent;
    /** Requests this connection has carried, the current one included. */
    int requests;
    /** The events the selector watches for now. */
    int interest;

    ClientConnection(int fd, String authority, InetSocketAddress remote, int keepBodyBytes) {
        this.fd = fd;
        this.authority = authority;
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

    @Override
    public String toString() {
        return "connection fd " + fd + " to " + remote + " (" + state + ")";
    }
}
