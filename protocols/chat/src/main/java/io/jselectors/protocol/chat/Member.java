package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connected user as the rest of the chat sees it: a nick, a room, and a way to send to it from
 * any loop.
 *
 * <h2>Threads</h2>
 * {@link #send} and {@link #nick()} may be called from any loop. Everything else runs on the
 * member's own loop ({@code wire.loop()}), which is also the only thread that writes
 * {@code room}, {@code gone} and touches the wire (a line connection or a WebSocket session: the
 * core does not care which).
 *
 * <h2>Order</h2>
 * Each recipient sees one sender's messages in the order sent. A sender's handler runs only on its
 * own loop thread, so its sends to recipient R are made by one thread, in program order. Whether R
 * lives on that same loop never changes (a connection keeps its loop for life), so all of them take
 * the same path: either written directly, in program order, or queued with {@code
 * R.loop().execute} (alone, or in one task for all of a room's members on R's loop, see {@link
 * Room#broadcast}), whose tasks from one submitting thread run in submission order (the {@link
 * EventLoop#execute} contract). Both paths end in {@code wire.write}, which keeps queue
 * order, so sender-to-R is FIFO. Nothing is promised across different senders, as in any chat.
 */
final class Member {

    /**
     * How long a reader dropped for being too slow gets to take its goodbye line before the socket
     * is aborted: {@code close()} waits for the queue to drain, which a stalled reader never does.
     */
    static final long SLOW_ABORT_GRACE_SECONDS = 5;

    private final ChatWire wire;
    private final ChatState state;
    private final String id;
    private final Runnable flushTask = this::flushNow;
    private volatile String nick = "";
    private Room room;
    private boolean gone;
    private boolean flushScheduled;
    private EventLoop.Timer abortTimer;
    /** This loop's part of the queue budget; own loop only. */
    private final LoopQueues queues;
    /** What the queue cost when last looked at (after a write or flush); own loop only. */
    private long queued;
    /** The socket did not take everything at the last flush: this reader is behind. */
    private boolean behind;

    /** A member on {@code wire}; on its own loop (it joins that loop's part of the queue budget). */
    Member(ChatWire wire, ChatState state) {
        this.wire = wire;
        this.state = state;
        this.id = state.nextMemberId();
        this.queues = state.budget().on(wire.loop());
        queues.add(this);
    }

    /** Unique in this listener, for life; other instances tell members apart by it. */
    String id() {
        return id;
    }

    /** The current nick; read from any loop. */
    String nick() {
        return nick;
    }

    void nick(String nick) {
        this.nick = nick;
    }

    /** The member's connection, whichever wire it is (line or WebSocket). */
    ChatWire connection() {
        return wire;
    }

    /** The member's room, or null once gone; own loop only. */
    Room room() {
        return room;
    }

    void room(Room room) {
        this.room = room;
    }

    /** Whether the member has left the chat (quit, dropped or closed); own loop only. */
    boolean isGone() {
        return gone;
    }

    /**
     * Sends one line, from any thread. Takes ownership of {@code line}. With {@code onlyIn} set,
     * the line is dropped if the member is no longer in that room when it arrives (a room message
     * must not reach someone who has moved on). See the class comment for why order is kept.
     */
    void send(ByteBuf line, Room onlyIn, boolean counted) {
        EventLoop loop = wire.loop();
        if (loop.inLoop()) {
            sendHere(line, onlyIn, counted);
            return;
        }
        try {
            loop.execute(() -> sendHere(line, onlyIn, counted));
        } catch (RejectedExecutionException stopped) {
            line.release();
        }
    }

    /**
     * Sends one line on the member's own loop. A member whose outbound queue would cost more than
     * {@code max-queue} (its pending bytes count each queued line's overhead too) is dropped instead: it cannot keep up, and holding more for it would let one
     * stalled reader grow the server's memory while the others wait for nothing. A member who is
     * behind first makes room within its loop's share of the {@link QueueBudget}, which may
     * disconnect it (then the line is dropped) or others further behind.
     */
    void sendHere(ByteBuf line, Room onlyIn, boolean counted) {
        sendHere(line, onlyIn, counted, null);
    }

    /**
     * As {@link #sendHere(ByteBuf, Room, boolean)}, for a room line whose wire form this loop's
     * members share ({@code framed}; null: none).
     */
    void sendHere(ByteBuf line, Room onlyIn, boolean counted, FramedLine framed) {
        if (gone || (onlyIn != null && room != onlyIn) || !wire.isOpen()) {
            line.release();
            return;
        }
        if (wire.pendingWriteBytes() + line.readableBytes() > state.settings().maxQueue()) {
            line.release();
            dropSlow();
            return;
        }
        if (behind) { // what it is sent stays: count it against the budget first
            if (!queues.admit(this, line.readableBytes() + QueueBudget.LINE_OVERHEAD)) {
                line.release(); // this member was the furthest behind and is gone
                return;
            }
            write(line, framed);
            queues.changed(recount());
            queues.stepDone();
        } else { // goes out at the flush; whatever stays then is counted there
            write(line, framed);
        }
        if (counted) {
            state.countDelivered();
        }
        scheduleFlush();
    }

    private void write(ByteBuf line, FramedLine framed) {
        if (framed == null) {
            wire.write(line);
        } else {
            wire.write(line, framed);
        }
    }

    /**
     * One flush per loop batch instead of one per line: lines delivered while the loop works
     * through its tasks go out in one writev.
     */
    private void scheduleFlush() {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        try {
            wire.loop().execute(flushTask);
        } catch (RejectedExecutionException stopped) {
            flushNow();
        }
    }

    private void flushNow() {
        flushScheduled = false;
        wire.flush();
        long grown = recount();
        behind = queued > 0;
        queues.changed(grown);
        if (grown > 0) {
            queues.settle();
        }
        queues.stepDone();
    }

    /**
     * What the queue cost when last looked at, after a flush or a write while behind; what a reader
     * that keeps up is sent between two flushes is not counted (the fan-out pacing bounds that).
     * Own loop only.
     */
    long queued() {
        return queued;
    }

    /** Whether the socket did not take everything at the last flush; own loop only. */
    boolean isBehind() {
        return behind;
    }

    /** Looks at the queue again: returns how much its cost changed since the last look. Own loop only. */
    long recount() {
        long now = wire.isOpen() ? wire.pendingWriteBytes() : 0;
        long delta = now - queued;
        queued = now;
        return delta;
    }

    /**
     * Disconnected to keep all queues within the {@link QueueBudget}: leaves the chat, the room is
     * told, and the connection is aborted, which discards its queue at once. No goodbye line: this
     * reader is behind, and one queued after what it is not reading would keep all of it held.
     */
    void shed() {
        String who = nick;
        Room left = depart();
        wire.abort();
        if (left != null) {
            tellRoom(left, ChatText.event(left.name(), who + " was disconnected: too far behind while the server's chat queues are full"));
        }
    }

    /**
     * Leaves the chat: out of its room and the nick registry. Own loop only; idempotent.
     *
     * @return the room it was in, or null if it had already left
     */
    Room depart() {
        if (gone) {
            return null;
        }
        gone = true;
        Room left = room;
        room = null;
        if (left != null) {
            state.leave(this, left);
        }
        state.releaseNick(nick, this);
        state.cluster().absent(this);
        return left;
    }

    private void dropSlow() {
        Room left = depart();
        if (left == null) {
            return;
        }
        state.countSlowConsumer();
        String who = nick;
        wire.write(ChatText.encode(wire.alloc(), ChatText.error(
                "disconnected: you are not reading fast enough (over " + state.settings().maxQueue() + " bytes waiting)")));
        wire.flush();
        wire.close();
        abortTimer = wire.loop().schedule(wire::abort, SLOW_ABORT_GRACE_SECONDS, TimeUnit.SECONDS);
        tellRoom(left, ChatText.event(left.name(), who + " was disconnected: too slow to read"));
    }

    /**
     * Tells {@code left} (a room this member just left) {@code event}, from a task, not inline:
     * telling the room may find the next member too slow, and inline that would recurse once per
     * stalled member on this loop.
     */
    private void tellRoom(Room left, String event) {
        ByteBuf notice = ChatText.encode(wire.alloc(), event);
        try {
            wire.loop().execute(() -> left.broadcast(notice, this, false));
        } catch (RejectedExecutionException stopped) {
            notice.release();
        }
    }

    /** The connection has closed: nothing more is scheduled for it. Own loop only. */
    void closed() {
        queues.remove(this);
        queued = 0;
        if (abortTimer != null) {
            abortTimer.cancel();
            abortTimer = null;
        }
    }
}
