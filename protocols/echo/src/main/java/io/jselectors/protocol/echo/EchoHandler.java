package io.jselectors.protocol.echo;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.LoopCounter;
import io.netty.buffer.ByteBuf;

/**
 * Echoes one connection. Each buffer read is written back as it is: no copy, and the connection
 * owns it from then on. Output is flushed by the server at the end of every read batch.
 *
 * <p>Backpressure: a client that sends without reading would make every echoed buffer wait in the
 * outbound queue. So while the connection is not writable, reading is paused and the unread bytes
 * stay in the kernel, where TCP flow control pushes back on the client; the server's memory per
 * connection stays near the high water mark. Pausing and resuming follow the writability
 * notifications only (not {@code isWritable()} polled in onRead), so a drop below the high mark
 * and back within one read batch cannot leave reading paused with no notification to resume it.
 *
 * <p>Half-close: when the client shuts down its sending side, everything it sent has already been
 * read (and queued for echo), since end of stream comes after the data and is not seen while
 * reading is paused; closing gracefully then sends the rest before the socket closes.
 *
 * <p>Cost per read: the write and a field store for the byte count (this loop's {@link
 * LoopCounter.Cell}, taken at the first read).
 */
final class EchoHandler implements ProtocolHandler {

    private final LoopCounter echoedBytes;
    /** This connection's loop's share of the count; taken on the loop thread at the first read. */
    private LoopCounter.Cell echoed;

    EchoHandler(LoopCounter echoedBytes) {
        this.echoedBytes = echoedBytes;
    }

    @Override
    public void onRead(Connection connection, ByteBuf data) {
        int length = data.readableBytes();
        connection.write(data);
        LoopCounter.Cell cell = echoed;
        if (cell == null) {
            cell = echoed = echoedBytes.cell();
        }
        cell.add(length);
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable) {
            connection.resumeReading();
        } else {
            connection.pauseReading();
        }
    }

    @Override
    public void onInputClosed(Connection connection) {
        connection.close();
    }
}
