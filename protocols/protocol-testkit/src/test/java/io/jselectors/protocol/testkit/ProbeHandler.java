package io.jselectors.protocol.testkit;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** A handler that records what happens to it and does what each test tells it on a read. */
final class ProbeHandler implements ProtocolHandler {

    final List<String> events = new ArrayList<>();
    BiConsumer<Connection, ByteBuf> onRead = (c, data) -> data.release();
    boolean pauseWhileNotWritable;

    @Override
    public void onOpen(Connection connection) {
        events.add("open");
    }

    @Override
    public void onRead(Connection connection, ByteBuf data) {
        events.add("read " + data.toString(StandardCharsets.UTF_8));
        onRead.accept(connection, data);
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        events.add("writable " + writable);
        if (pauseWhileNotWritable) {
            if (writable) {
                connection.resumeReading();
            } else {
                connection.pauseReading();
            }
        }
    }

    @Override
    public void onInputClosed(Connection connection) {
        events.add("input closed");
        ProtocolHandler.super.onInputClosed(connection);
    }

    @Override
    public void onIdle(Connection connection) {
        events.add("idle");
        ProtocolHandler.super.onIdle(connection);
    }

    @Override
    public void onShutdown(Connection connection) {
        events.add("shutdown");
        ProtocolHandler.super.onShutdown(connection);
    }

    @Override
    public void onClose(Connection connection, Throwable cause) {
        events.add("close " + (cause == null ? "ok" : cause.getClass().getSimpleName()));
    }
}
