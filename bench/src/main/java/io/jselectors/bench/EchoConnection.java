package io.jselectors.bench;

/**
 * One echo load connection: a {@link LoadConnection} plus its place in its {@link Payload} byte
 * stream, so every echoed byte can be checked against what was sent. One thread only.
 */
final class EchoConnection extends LoadConnection {

    /** Starting phase of this connection's bytes in the {@link Payload} pattern. */
    final int seed;
    /** Bytes read back and checked so far. */
    long received;

    EchoConnection(int index, int fd) {
        super(index, fd);
        this.seed = Payload.seedOf(index);
    }

    @Override
    public String toString() {
        return "connection " + index + " (fd " + fd + ", sent " + sent + ", received " + received + ")";
    }
}
