package io.jselectors.connection;

import java.io.IOException;

/** A peer that speaks through the {@link XorLayer}: XORs what it sends and what it reads. */
final class XorPeer implements ConnectionContract.Peer {

    private final ConnectionContract.Peer peer;

    XorPeer(ConnectionContract.Peer peer) {
        this.peer = peer;
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        peer.send(XorLayer.apply(bytes.clone()));
    }

    @Override
    public byte[] read(int n) throws IOException {
        return XorLayer.apply(peer.read(n));
    }

    @Override
    public byte[] readToEnd() throws IOException {
        return XorLayer.apply(peer.readToEnd());
    }

    @Override
    public void shutdownOutput() throws IOException {
        peer.shutdownOutput();
    }

    @Override
    public void reset() throws IOException {
        peer.reset();
    }

    @Override
    public void close() throws Exception {
        peer.close();
    }
}
