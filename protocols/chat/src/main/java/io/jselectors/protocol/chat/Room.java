package io.jselectors.protocol.chat;

import io.netty.buffer.ByteBuf;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
     * Sends {@code line} (owned: released here) to every member but {@code except}, each through
     * {@link Member#send}, so each gets it on its own loop. Members who leave before it arrives do
     * not get it. Callable from any loop.
     */
    void broadcast(ByteBuf line, Member except, boolean counted) {
        try {
            for (Member member : members) {
                if (member != except) {
                    member.send(line.retainedDuplicate(), this, counted);
                }
            }
        } finally {
            line.release();
        }
    }
}
