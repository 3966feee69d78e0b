package io.jselectors.connection;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A handler for the contract suite: it records every call it gets (in a list any thread may read),
 * notes a callback that starts inside another one ({@code REENTERED}), and does what the test
 * scripted for each event. By default it releases what it reads and keeps the connection open at
 * EOF, so a test decides.
 */
public class ScriptedHandler implements ProtocolHandler {

    private final String name;
    private final List<String> events;
    private int depth;
    private volatile Connection connection;
    public Consumer<Connection> open = c -> {};
    public BiConsumer<Connection, ByteBuf> read = (c, data) -> data.release();
    public BiConsumer<Connection, Boolean> writability = (c, writable) -> {};
    public Consumer<Connection> inputClosed = c -> {};
    public Consumer<Connection> idle = c -> {};

    /** A handler named {@code name} that adds its events to {@code events}. */
    public ScriptedHandler(String name, List<String> events) {
        this.name = name;
        this.events = events;
    }

    /** The connection, once opened. */
    public Connection connection() {
        return connection;
    }

    private void enter(String event) {
        synchronized (events) {
            if (depth++ > 0) {
                events.add(name + ":REENTERED:" + event);
            }
            events.add(name + ":" + event);
        }
    }

    private void leave(String event) {
        synchronized (events) {
            depth--;
            events.add(name + ":/" + event);
        }
    }

    @Override
    public void onOpen(Connection c) {
        connection = c;
        enter("open");
        try {
            open.accept(c);
        } finally {
            leave("open");
        }
    }

    @Override
    public void onRead(Connection c, ByteBuf data) {
        enter("read " + data.toString(StandardCharsets.ISO_8859_1));
        try {
            read.accept(c, data);
        } finally {
            leave("read");
        }
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        enter("writable " + writable);
        try {
            writability.accept(c, writable);
        } finally {
            leave("writable");
        }
    }

    @Override
    public void onInputClosed(Connection c) {
        enter("inputClosed");
        try {
            inputClosed.accept(c);
        } finally {
            leave("inputClosed");
        }
    }

    @Override
    public void onIdle(Connection c) {
        enter("idle");
        try {
            idle.accept(c);
        } finally {
            leave("idle");
        }
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        enter("close " + (cause == null ? "null" : cause.getClass().getSimpleName()));
        leave("close");
    }

    /** A copy of the events so far. */
    public static List<String> snapshot(List<String> events) {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }
}
