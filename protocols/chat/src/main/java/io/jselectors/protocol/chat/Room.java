package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * A chat room. Its member set is changed only by {@link ChatState#join} and {@link
 * ChatState#leave} (atomically with the room's presence in the registry) and read from any loop.
 */
final class Room {

    private final String name;
    private final String key;
    private final Set<Member> members = ConcurrentHashMap.newKeySet();

    Room(String name) {
        this.name = name;
        this.key = key(name);
    }

    /** Room names are unique regardless of case; the first spelling is the one shown. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    String name() {
        return name;
    }

    String key() {
        return key;
    }

    /** The members now; a live, weakly consistent view (safe to iterate while others join). */
    Set<Member> members() {
        return members;
    }

    int size() {
        return members.size();
    }

    /**
     * Sends {@code line} (owned: released here) to every member but {@code except}, each on its own
     * loop: members of the calling loop at once, those of each other loop in one task queued on that
     * loop (one task and one wakeup per loop, not per member). The WebSocket members of a loop
     * share one frame of the line ({@link FramedLine}). Members who leave before it arrives
     * do not get it. Callable from any loop.
     *
     * <p>Order is kept as {@link Member} explains: for a given sender thread a recipient is always
     * served the same way, and a task queued for it, batched here or single from {@link
     * Member#send}, runs in submission order.
     */
    void broadcast(ByteBuf line, Member except, boolean counted) {
        broadcast(line, except, counted, null);
    }

    /**
     * As {@link #broadcast(ByteBuf, Member, boolean)}, with each task for another loop first taking
     * a place in {@code backlog} (null: unbounded); a loop whose task finds no place misses the line.
     */
    void broadcast(ByteBuf line, Member except, boolean counted, ReceiveBacklog backlog) {
        Map<EventLoop, List<Member>> elsewhere = null;
        FramedLine here = new FramedLine(line);
        try {
            for (Member member : members) {
                if (member == except) {
                    continue;
                }
                EventLoop loop = member.connection().loop();
                if (loop.inLoop()) {
                    member.sendHere(line.retainedDuplicate(), this, counted, here);
                } else {
                    if (elsewhere == null) {
                        elsewhere = new IdentityHashMap<>();
                    }
                    elsewhere.computeIfAbsent(loop, l -> new ArrayList<>()).add(member);
                }
            }
            if (elsewhere != null) {
                elsewhere.forEach((loop, recipients) -> handOver(loop, recipients, line, counted, backlog));
            }
        } finally {
            here.release();
            line.release();
        }
    }

    private void handOver(EventLoop loop, List<Member> recipients, ByteBuf shared, boolean counted, ReceiveBacklog backlog) {
        if (backlog != null && !backlog.enter()) {
            return;
        }
        ByteBuf line = shared.retainedDuplicate();
        try {
            loop.execute(() -> {
                FramedLine there = new FramedLine(line);
                try {
                    for (Member member : recipients) {
                        member.sendHere(line.retainedDuplicate(), this, counted, there);
                    }
                } finally {
                    there.release();
                    line.release();
                    if (backlog != null) {
                        backlog.exit();
                    }
                }
            });
        } catch (RejectedExecutionException stopped) {
            line.release();
            if (backlog != null) {
                backlog.exit();
            }
        }
    }
}
