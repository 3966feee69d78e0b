package io.jselectors.protocol.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Who is where on the other instances, as their presence messages tell: per instance, its members
 * (nick and room) and when it was last heard from. An instance not heard from for {@code ttl}
 * (it sends a full roster every heartbeat) is dropped, so a crashed instance leaves every {@code
 * /who} within that time.
 *
 * <p>Written by the broker's receiving thread (one at a time, in each origin's order) and by the
 * cluster thread's expiry; read from any loop. The maps are concurrent, so a reader sees each
 * entry either before or after a change, never half of one.
 */
final class ClusterRoster {

    private static final class Peer {
        volatile long lastSeen;
        final ConcurrentHashMap<String, ClusterWire.Entry> members = new ConcurrentHashMap<>();
    }

    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();

    /** Notes that {@code origin} is alive at {@code now} (nanoseconds). */
    void heard(String origin, long now) {
        peers.computeIfAbsent(origin, o -> new Peer()).lastSeen = now;
    }

    void present(String origin, ClusterWire.Entry entry) {
        peers.computeIfAbsent(origin, o -> new Peer()).members.put(entry.member(), entry);
    }

    void absent(String origin, String member) {
        Peer peer = peers.get(origin);
        if (peer != null) {
            peer.members.remove(member);
        }
    }

    /** Replaces what is known of {@code origin} with its full roster. */
    void replace(String origin, List<ClusterWire.Entry> entries) {
        Peer peer = peers.computeIfAbsent(origin, o -> new Peer());
        Map<String, ClusterWire.Entry> fresh = new HashMap<>();
        for (ClusterWire.Entry e : entries) {
            fresh.put(e.member(), e);
        }
        peer.members.keySet().retainAll(fresh.keySet());
        peer.members.putAll(fresh);
    }

    /**
     * Forgets {@code origin} (it said goodbye or went silent) and hands each of its members to
     * {@code gone} (nick, room).
     */
    void remove(String origin, BiConsumer<String, String> gone) {
        Peer peer = peers.remove(origin);
        if (peer != null) {
            peer.members.values().forEach(e -> gone.accept(e.nick(), e.room()));
        }
    }

    /** Instances last heard from before {@code deadline} (nanoseconds). */
    List<String> silentSince(long deadline) {
        List<String> out = new ArrayList<>();
        peers.forEach((origin, peer) -> {
            if (peer.lastSeen - deadline < 0) {
                out.add(origin);
            }
        });
        return out;
    }

    /** The instance holding {@code nick} (any case) and its spelling there, or null. */
    Map.Entry<String, String> holder(String nick) {
        for (Map.Entry<String, Peer> peer : peers.entrySet()) {
            for (ClusterWire.Entry e : peer.getValue().members.values()) {
                if (ChatState.sameNick(e.nick(), nick)) {
                    return Map.entry(peer.getKey(), e.nick());
                }
            }
        }
        return null;
    }

    List<String> members(String roomKey) {
        List<String> out = new ArrayList<>();
        for (Peer peer : peers.values()) {
            for (ClusterWire.Entry e : peer.members.values()) {
                if (Room.key(e.room()).equals(roomKey)) {
                    out.add(e.nick());
                }
            }
        }
        return out;
    }

    Map<String, Map.Entry<String, Integer>> rooms() {
        Map<String, Map.Entry<String, Integer>> out = new HashMap<>();
        for (Peer peer : peers.values()) {
            for (ClusterWire.Entry e : peer.members.values()) {
                out.merge(Room.key(e.room()), Map.entry(e.room(), 1),
                        (a, b) -> Map.entry(a.getKey(), a.getValue() + b.getValue()));
            }
        }
        return out;
    }

    /** Members known on other instances (the presence entries meter). */
    int size() {
        int n = 0;
        for (Peer peer : peers.values()) {
            n += peer.members.size();
        }
        return n;
    }

    int instances() {
        return peers.size();
    }
}
