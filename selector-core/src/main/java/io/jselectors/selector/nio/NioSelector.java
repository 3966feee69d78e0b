package io.jselectors.selector.nio;

import io.jselectors.selector.AbstractSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code nio} backend: a {@link java.nio.channels.Selector} behind jselectors' contract.
 *
 * {@snippet :
 * try (Selector selector = Selector.open("nio")) {
 *     ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
 *     listener.configureBlocking(false);   // the selector never changes a channel's mode
 *     selector.register(listener, Selector.EVENT_READ, "accept");
 * }
 * }
 *
 * <h2>File objects and fds</h2>
 * It takes {@link SelectableChannel}s in non-blocking mode; a channel in blocking mode is refused
 * with {@link IllegalArgumentException} rather than switched behind the caller's back, and raw
 * {@link Integer} fds are refused (a native backend takes those). The JDK does not expose a
 * channel's fd, so a key's {@link SelectorKey#fd() fd} is a handle local to this selector: the
 * lowest free number, taken at register and given back at unregister. A channel is found by
 * identity, open or closed, so a closed channel can still be unregistered. A registered handle
 * also finds its key ({@link #getKey}, {@link #getMap()}'s keys are handles), but registering an
 * {@code Integer} is refused.
 *
 * <h2>Events</h2>
 * READ is {@code OP_READ}, or {@code OP_ACCEPT} for a listening channel; WRITE is {@code OP_WRITE},
 * plus {@code OP_CONNECT} for a {@link SocketChannel}, so a connection in progress reports WRITE
 * when it completes (call {@code finishConnect()} then), as a native backend does.
 *
 * <h2>Differences from the native backends</h2>
 * {@link Thread#interrupt()} ends a select early (it returns what is ready, possibly nothing) and
 * leaves the interrupt status set: the JDK's selector works that way and cannot be told otherwise.
 * A channel unregistered and registered again while a select is dispatching is registered with the
 * JDK's selector only when that select returns, because the JDK frees a cancelled key only between
 * selects.
 */
public final class NioSelector extends AbstractSelector {

    /** The backend's name. */
    static final String NAME = "nio";

    /** One registered channel; attached to its JDK key so dispatch finds the handle without a lookup. */
    private static final class Registration {
        final SelectableChannel channel;
        final int handle;
        int ops;
        /** Null while waiting for the JDK to free the channel's cancelled key. */
        SelectionKey key;

        Registration(SelectableChannel channel, int handle, int ops) {
            this.channel = channel;
            this.handle = handle;
            this.ops = ops;
        }
    }

    private final java.nio.channels.Selector selector;
    private final Map<SelectableChannel, Registration> registered = new IdentityHashMap<>();
    private final BitSet handles = new BitSet();
    private final List<Registration> pending = new ArrayList<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean wakeupRequested;
    private boolean dispatching;
    private ReadyConsumer consumer;
    private int dispatched;

    NioSelector() throws IOException {
        super(NAME);
        selector = java.nio.channels.Selector.open();
    }

    @Override
    protected int fileobjToFd(Object fileobj) {
        if (fileobj instanceof SelectableChannel channel) {
            Registration r = registered.get(channel);
            // Not registered: the handle register would take, which no key holds.
            return r != null ? r.handle : handles.nextClearBit(0);
        }
        if (fileobj instanceof Integer handle && handle >= 0 && keyFor(handle) != null) {
            // The map iterates handles, so a handle must find its key again.
            return handle;
        }
        if (fileobj instanceof Integer || fileobj instanceof io.jselectors.selector.HasFileno) {
            throw new IllegalArgumentException(
                    "the nio backend takes SelectableChannels; raw fds need a native backend: " + fileobj);
        }
        throw new IllegalArgumentException("Invalid file object: " + fileobj);
    }

    @Override
    protected void kernelRegister(SelectorKey key) throws IOException {
        SelectableChannel channel = (SelectableChannel) key.fileobj();
        if (channel.isBlocking()) {
            throw new IllegalArgumentException(
                    "the nio backend takes non-blocking channels; call configureBlocking(false) first: " + channel);
        }
        Registration r = new Registration(channel, key.fd(), interestOps(channel, key.events()));
        SelectionKey old = channel.keyFor(selector);
        if (old != null && !old.isValid()) {
            // Unregistered since the last select: the JDK frees the cancelled key only at the next
            // select, and refuses a new registration until then.
            if (dispatching) {
                pending.add(r);
                registered.put(channel, r);
                handles.set(r.handle);
                return;
            }
            flushCancelledKeys();
        }
        r.key = channel.register(selector, r.ops, r);
        registered.put(channel, r);
        handles.set(r.handle);
    }

    @Override
    protected void kernelModify(SelectorKey oldKey, SelectorKey newKey) throws IOException {
        Registration r = registered.get((SelectableChannel) oldKey.fileobj());
        int ops = interestOps(r.channel, newKey.events());
        if (r.key == null) {
            r.ops = ops;
            return;
        }
        try {
            r.key.interestOps(ops);
            r.ops = ops;
        } catch (CancelledKeyException e) {
            // The channel was closed, which cancels its keys: the fd is gone, as EBADF says natively.
            ClosedChannelException closed = new ClosedChannelException();
            closed.initCause(e);
            throw closed;
        }
    }

    @Override
    protected void kernelUnregister(SelectorKey key) {
        Registration r = registered.remove((SelectableChannel) key.fileobj());
        if (r == null) {
            return;
        }
        handles.clear(r.handle);
        if (r.key != null) {
            r.key.cancel();
        } else {
            pending.remove(r);
        }
    }

    @Override
    protected int kernelSelect(long timeoutNanos, ReadyConsumer consumer) throws IOException {
        this.consumer = consumer;
        dispatched = 0;
        dispatching = true;
        try {
            if (timeoutNanos == 0) {
                selector.selectNow(onReady);
            } else if (timeoutNanos == INFINITE) {
                selector.select(onReady);
            } else {
                // Rounded up: a sub-millisecond timeout waits 1 ms, never "0 = forever" or a busy poll.
                selector.select(onReady, Math.max(1, timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 == 0 ? 0 : 1)));
            }
        } finally {
            dispatching = false;
            this.consumer = null;
        }
        if (!pending.isEmpty()) {
            registerPending();
        }
        if (dispatched == 0 && timeoutNanos != 0) {
            if (wakeupRequested) {
                wakeupRequested = false;
            } else if (!Thread.currentThread().isInterrupted()) {
                // Woken with nothing to report and nobody asked: wait out the rest (PEP 475).
                return -1;
            }
        }
        return dispatched;
    }

    private void onReady(SelectionKey key) {
        Registration r = (Registration) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
        } catch (CancelledKeyException e) {
            return; // unregistered by the consumer earlier in this batch
        }
        int events = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            events |= EVENT_READ;
        }
        if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            events |= EVENT_WRITE;
        }
        // keyFor checks the registration is still current: a handle reused during this batch
        // belongs to another channel now.
        SelectorKey current = keyFor(r.handle);
        if (current != null && current.fileobj() == r.channel && dispatch(r.handle, events, consumer)) {
            dispatched++;
        }
    }

    private void registerPending() throws IOException {
        flushCancelledKeys();
        for (Registration r : pending) {
            try {
                r.key = r.channel.register(selector, r.ops, r);
            } catch (ClosedChannelException e) {
                // Closed meanwhile: like a closed fd, its key stays until it is unregistered.
            }
        }
        pending.clear();
    }

    /**
     * Lets the JDK free cancelled keys. Nothing is lost: the JDK's selector is level-triggered, so
     * what is ready now is reported again by the next select. A pending wakeup is consumed by this
     * selectNow, so it is renewed.
     */
    private void flushCancelledKeys() throws IOException {
        selector.selectNow(ignored -> {});
        if (wakeupRequested) {
            selector.wakeup();
        }
    }

    @Override
    public void wakeup() {
        wakeupRequested = true;
        selector.wakeup();
    }

    @Override
    protected void kernelClose() throws IOException {
        registered.clear();
        pending.clear();
        selector.close();
    }

    /** The JDK interest set for jselectors events, limited to what the channel supports. */
    private static int interestOps(SelectableChannel channel, int events) {
        int valid = channel.validOps();
        int ops = 0;
        if ((events & EVENT_READ) != 0) {
            ops |= (valid & SelectionKey.OP_READ) != 0 ? SelectionKey.OP_READ : valid & SelectionKey.OP_ACCEPT;
            if (ops == 0) {
                throw new IllegalArgumentException("channel cannot be read: " + channel);
            }
        }
        if ((events & EVENT_WRITE) != 0) {
            int write = valid & (SelectionKey.OP_WRITE | (channel instanceof SocketChannel ? SelectionKey.OP_CONNECT : 0));
            if (write == 0) {
                throw new IllegalArgumentException("channel cannot be written: " + channel);
            }
            ops |= write;
        }
        return ops;
    }
}
