package io.jselectors.protocol.http.client;

import io.jselectors.posix.Errno;
import io.jselectors.posix.Libc;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * One connection's TLS: the {@link SSLEngine} and its two record buffers, driven by the client's
 * loop over the non-blocking socket. {@link #handshake} runs the handshake as far as the socket
 * allows; {@link #wrapRequest} turns a request into records in the output buffer, which the
 * client sends like plaintext; {@link #read} is {@code recv} with the records decrypted, so the
 * client's receive path stays the same for http and https.
 *
 * <p>The engine's delegated tasks (certificate path checks, key agreement) run right here on the
 * loop thread: this is a command-line client whose one thread has nothing better to do than the
 * work the fetch waits for, a few milliseconds per handshake; the server, whose loops serve many
 * peers, runs them off the loop. Loop thread only.
 */
final class TlsChannel {

    /** What the handshake waits for next. */
    enum Step { READ, WRITE, DONE }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final String peer;
    /** Records received and not yet decrypted; write mode. */
    private final ByteBuffer netIn;
    /** Records to send; read mode (flipped) between calls. */
    private final ByteBuffer netOut;
    private boolean inboundDone;

    /** @param peer {@code host:port}, for messages */
    TlsChannel(SSLEngine engine, String peer) throws SSLException {
        this.engine = engine;
        engine.beginHandshake(); // until then the engine says NOT_HANDSHAKING
        this.peer = peer;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        // Room for a request's records (a request fits in one) on top of a leftover post-handshake reply.
        this.netOut = ByteBuffer.allocate(2 * packet).flip();
    }

    /**
     * Moves the handshake on until it must wait for the socket, or is done (and its last flight sent).
     *
     * @param scratch where application data read during the handshake would go (none is expected
     *     before the request), at least {@link #minPlainBuffer()} bytes
     * @throws IOException a socket error, the peer closing, or an {@link SSLException} (see {@link #describe})
     */
    Step handshake(SocketIo io, int fd, ByteBuffer scratch) throws IOException {
        while (true) {
            if (netOut.hasRemaining()) {
                long n = io.send(fd, netOut);
                if (n == -Errno.EAGAIN) {
                    return Step.WRITE;
                }
                check(n);
                if (netOut.hasRemaining()) {
                    return Step.WRITE;
                }
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOne(scratch.clear())) {
                        long n = io.recv(fd, netIn);
                        if (n == -Errno.EAGAIN) {
                            return Step.READ;
                        }
                        if (n == 0) {
                            throw new EOFException("the server closed the connection during the TLS handshake");
                        }
                        check(n);
                    } else if (inboundDone) {
                        throw new EOFException("the server ended the TLS session during the handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    if (engine.isInboundDone() || engine.isOutboundDone()) {
                        throw new EOFException("the TLS session ended during the handshake");
                    }
                    return Step.DONE;
                }
            }
        }
    }

    /** The smallest plaintext buffer {@link #read} and {@link #handshake} accept. */
    int minPlainBuffer() {
        return engine.getSession().getApplicationBufferSize();
    }

    /** The application protocol the server chose by ALPN ({@code ""}: none). */
    String applicationProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null ? "" : p;
    }

    /** Encrypts {@code request} into the output buffer; returns that buffer, to send until empty. */
    ByteBuffer wrapRequest(byte[] request) throws SSLException {
        ByteBuffer src = ByteBuffer.wrap(request);
        while (src.hasRemaining()) {
            int before = src.remaining();
            wrap(src);
            if (src.remaining() == before) {
                throw new SSLException("the TLS engine took no data (handshake status " + engine.getHandshakeStatus() + ")");
            }
        }
        return netOut;
    }

    /**
     * Like {@code recv}, but returns plaintext: reads what the socket has, decrypts every complete
     * record into {@code dst} (write mode, at least {@link #minPlainBuffer()} bytes free, which
     * holds all that the input buffer can carry) and returns the plaintext bytes, 0 at the end of
     * the stream (the server's {@code close_notify}, or the socket's end), or a negated errno;
     * {@code -EAGAIN} when only part of a record, or only a TLS message with no data, arrived.
     */
    long read(SocketIo io, int fd, ByteBuffer dst) throws IOException {
        if (inboundDone) {
            return 0;
        }
        long n = io.recv(fd, netIn);
        if (n < 0 && n != -Errno.EAGAIN) {
            return n;
        }
        int start = dst.position();
        while (!inboundDone && dst.remaining() >= minPlainBuffer() && unwrapOne(dst)) {
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY); // a reply to a post-handshake message (KeyUpdate): sent with the next send
                io.send(fd, netOut);
            }
        }
        int plain = dst.position() - start;
        if (plain > 0) {
            return plain;
        }
        return inboundDone || n == 0 ? 0 : -Errno.EAGAIN;
    }

    /** The server said {@code close_notify}: nothing more will come. */
    boolean inboundDone() {
        return inboundDone;
    }

    /**
     * Ends the session politely: {@code close_notify}, sent if the socket takes it now. The fd is
     * closed right after, so nothing waits for it.
     */
    void goodbye(SocketIo io, int fd) {
        engine.closeOutbound();
        try {
            wrap(EMPTY);
            io.send(fd, netOut);
        } catch (SSLException ignored) {
            // The engine already failed: there is nothing polite left to say.
        }
    }

    /** Sends what the engine has to say after a failure (its alert), best effort. */
    void sendAlert(SocketIo io, int fd) {
        try {
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY);
            }
            io.send(fd, netOut);
        } catch (SSLException ignored) {
            // Nothing to send.
        }
    }

    /**
     * One line for a failed handshake: {@code TLS handshake with HOST:PORT: the certificate
     * expired on ...}; a refused certificate says which check refused it.
     */
    String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CheckingTrustManager.Rejected r) {
                return "TLS handshake with " + peer + ": " + r.getMessage();
            }
        }
        String why = ClientTls.oneLine(e.getMessage());
        if (why.contains("plaintext connection?") || why.contains("Unsupported or unrecognized SSL message")) {
            why = "the server does not speak TLS here (it answered in plaintext)";
        }
        return "TLS handshake with " + peer + " failed: " + why;
    }

    /** Unwraps one record from {@code netIn} into {@code dst}; false if no complete record is there. */
    private boolean unwrapOne(ByteBuffer dst) throws SSLException {
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, dst);
        } finally {
            netIn.compact();
        }
        return switch (r.getStatus()) {
            case OK -> true;
            case CLOSED -> {
                inboundDone = true;
                yield true;
            }
            case BUFFER_UNDERFLOW -> false;
            case BUFFER_OVERFLOW -> throw new SSLException("internal: plaintext buffer of " + dst.remaining()
                    + " bytes is too small for a record");
        };
    }

    private void wrap(ByteBuffer src) throws SSLException {
        netOut.compact();
        SSLEngineResult r;
        try {
            r = engine.wrap(src, netOut);
        } finally {
            netOut.flip();
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("internal: TLS output buffer full (" + netOut.remaining() + " bytes unsent)");
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED && src.hasRemaining()) {
            throw new SSLException("the TLS session is closed");
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static void check(long n) throws IOException {
        if (n < 0) {
            throw new IOException(Errno.name((int) -n) + " (" + Libc.strerror((int) -n) + ")");
        }
    }
}
