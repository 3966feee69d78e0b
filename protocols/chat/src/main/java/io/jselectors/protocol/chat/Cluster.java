package io.jselectors.protocol.chat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the chat asks of the other instances of its cluster. {@link #local()} is the chat alone
 * (no {@code chat.cluster} option): nothing leaves this instance and every claim succeeds at once.
 * {@link ClusterLink} is the real one, over a broker.
 *
 * <p>Every method is callable from any loop and returns without waiting for the network: what
 * goes to the broker is handed to the cluster thread through a bounded queue, and answers come
 * back on the asking member's loop.
 */
interface Cluster extends AutoCloseable {

    /** What became of a private message to a nick that is not on this instance. */
    enum Sent {
        /** Handed to the broker for the instance holding the nick. */
        SENT,
        /** No instance has a user with that nick (as far as presence knows). */
        NO_SUCH_NICK,
        /** The broker is unreachable now; the message was not sent. */
        UNREACHABLE,
        /** The hand-off queue is full; the message was not sent. */
        DROPPED
    }

    /** The guest nick prefix, unique to this instance so guests never clash across the cluster. */
    String guestPrefix();

    /** Whether the broker is reachable now (always true alone). */
    boolean reachable();

    /**
     * Sends a line said in {@code room} to the room's members on the other instances.
     *
     * @param author the member whose words these are, told if they are lost after the hand-off
     *     (the broker did not take them); null for notices, which are only counted
     * @return false if it was dropped because the hand-off queue is full (the sender should be
     *     told); true if handed off, or not sent because the broker is down (users were told once)
     */
    boolean toRoom(String room, String line, boolean counted, Member author);

    /**
     * Sends {@code line} to {@code nick} on another instance; {@code holder} gets the nick as spelled
     * there; {@code author} is told if the broker does not take it after the hand-off.
     */
    Sent toNick(String nick, String line, Consumer<String> holder, Member author);

    /** {@code member} is now {@code nick} in {@code room}: the other instances' presence learns it. */
    void present(Member member, String nick, String room);

    /** {@code member} left the chat. */
    void absent(Member member);

    /**
     * Claims {@code nick} cluster-wide for {@code member}; {@code done} runs on the member's loop
     * with null on success or the reason it failed.
     */
    void claim(Member member, String nick, Consumer<String> done);

    /** Gives up the cluster-wide claim on {@code nick} (not for guest nicks). */
    void release(String nick);

    /** The nicks in the room with this key on the other instances. */
    List<String> remoteMembers(String roomKey);

    /** The rooms on the other instances: key to {display name, member count}. */
    Map<String, Map.Entry<String, Integer>> remoteRooms();

    @Override
    void close();

    /** The chat on its own. */
    static Cluster local() {
        return Alone.INSTANCE;
    }

    /** No other instance: nothing to send, every claim is granted (the local registry decided). */
    enum Alone implements Cluster {
        INSTANCE;

        @Override
        public String guestPrefix() {
            return ChatText.GUEST_PREFIX;
        }

        @Override
        public boolean reachable() {
            return true;
        }

        @Override
        public boolean toRoom(String room, String line, boolean counted, Member author) {
            return true;
        }

        @Override
        public Sent toNick(String nick, String line, Consumer<String> holder, Member author) {
            return Sent.NO_SUCH_NICK;
        }

        @Override
        public void present(Member member, String nick, String room) {}

        @Override
        public void absent(Member member) {}

        @Override
        public void claim(Member member, String nick, Consumer<String> done) {
            done.accept(null);
        }

        @Override
        public void release(String nick) {}

        @Override
        public List<String> remoteMembers(String roomKey) {
            return List.of();
        }

        @Override
        public Map<String, Map.Entry<String, Integer>> remoteRooms() {
            return Map.of();
        }

        @Override
        public void close() {}
    }
}
