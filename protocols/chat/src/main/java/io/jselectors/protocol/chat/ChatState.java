package io.jselectors.protocol.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of one chat listener shares, from every worker loop: the nick registry,
 * the rooms and the meters. Thread-safe without locks of its own: each change that must be atomic
 * is one {@link ConcurrentHashMap} operation ({@code putIfAbsent} for a nick, {@code compute} for
 * joining or leaving a room, so a room is dropped exactly when its last member leaves and never
 * while someone joins it).
 */
final class ChatState implements AutoCloseable {

    /** The room everyone starts in; it exists while the listener does, even when empty. */
    static final String LOBBY = "lobby";

    private final ChatSettings settings;
    private final ConcurrentHashMap<String, Member> nicks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicLong guestNumbers = new AtomicLong();
    private final AtomicLong memberNumbers = new AtomicLong();
    private volatile Cluster cluster = Cluster.local();
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter delivered;
    private final Counter slowConsumers;
    private volatile boolean shuttingDown;
    private final QueueBudget budget;
    private final LineBudget lineBudget;

    ChatState(ChatSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        rooms.put(Room.key(LOBBY), new Room(LOBBY));
        meters.add(Gauge.builder("jselectors.chat.users", nicks, ConcurrentHashMap::size)
                .description("Users connected to the chat")
                .strongReference(true)
                .register(registry));
        meters.add(Gauge.builder("jselectors.chat.rooms", rooms, ConcurrentHashMap::size)
                .description("Chat rooms, the lobby included")
                .strongReference(true)
                .register(registry));
        delivered = Counter.builder("jselectors.chat.messages.delivered")
                .description("Chat messages (room lines, actions, private messages) queued to a recipient")
                .register(registry);
        slowConsumers = Counter.builder("jselectors.chat.slow.consumers")
                .description("Users disconnected because their outbound queue passed max-queue")
                .register(registry);
        meters.add(delivered);
        meters.add(slowConsumers);
        budget = new QueueBudget(settings.queueBudget(), registry);
        meters.addAll(budget.meters());
        lineBudget = new LineBudget(settings.lineBudget(), registry);
        meters.addAll(lineBudget.meters());
    }

    /** What all line users' lines in pieces may hold together. */
    LineBudget lineBudget() {
        return lineBudget;
    }

    ChatSettings settings() {
        return settings;
    }

    /** What all members' queues may hold together. */
    QueueBudget budget() {
        return budget;
    }

    /** The other instances; {@link Cluster#local()} unless set once, before the first connection. */
    Cluster cluster() {
        return cluster;
    }

    void cluster(Cluster joined) {
        this.cluster = joined;
    }

    /** A new member id, unique in this listener (members are told apart by it across the cluster). */
    String nextMemberId() {
        return Long.toString(memberNumbers.incrementAndGet(), Character.MAX_RADIX);
    }

    /** Everyone connected now; a weakly consistent view, from any thread. */
    Iterable<Member> members() {
        return nicks.values();
    }

    private static String nickKey(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    /** Gives {@code member} the next free guest nick and registers it. */
    String admitGuest(Member member) {
        while (true) {
            String nick = cluster.guestPrefix() + guestNumbers.incrementAndGet();
            if (nicks.putIfAbsent(nickKey(nick), member) == null) {
                return nick;
            }
        }
    }

    /** Registers {@code nick} for {@code member}: false if someone else holds it (in any case). */
    boolean claimNick(String nick, Member member) {
        Member holder = nicks.putIfAbsent(nickKey(nick), member);
        return holder == null || holder == member;
    }

    /** Unregisters {@code nick} if {@code member} holds it, and gives up its cluster claim (guests have none). */
    void releaseNick(String nick, Member member) {
        if (nicks.remove(nickKey(nick), member) && !nickKey(nick).startsWith(ChatText.GUEST_PREFIX)) {
            cluster.release(nick);
        }
    }

    /** Whether two nicks are the same registry entry (they differ at most in case). */
    static boolean sameNick(String a, String b) {
        return nickKey(a).equals(nickKey(b));
    }

    /** The member with this nick (any case), or null. */
    Member findNick(String nick) {
        return nicks.get(nickKey(nick));
    }

    /** Adds {@code member} to the room named {@code name}, creating it if needed; the cluster learns it. */
    Room join(Member member, String name) {
        Room room = rooms.compute(Room.key(name), (key, current) -> {
            Room joined = current != null ? current : new Room(name);
            joined.members().add(member);
            return joined;
        });
        cluster.present(member, member.nick(), room.name());
        return room;
    }

    /** Removes {@code member} from {@code room}, and the room with it if it is now empty and not the lobby. */
    void leave(Member member, Room room) {
        rooms.computeIfPresent(room.key(), (key, current) -> {
            current.members().remove(member);
            return current.members().isEmpty() && !key.equals(LOBBY) ? null : current;
        });
    }

    /** The rooms now, by name. */
    List<Room> rooms() {
        List<Room> list = new ArrayList<>(rooms.values());
        list.sort(Comparator.comparing(Room::key));
        return list;
    }

    /** The room with this name (any case), or null. */
    Room room(String name) {
        return rooms.get(Room.key(name));
    }

    /** Registered users, guests included. */
    int userCount() {
        return nicks.size();
    }

    /** Rooms, the lobby included. */
    int roomCount() {
        return rooms.size();
    }

    void countDelivered() {
        delivered.increment();
    }

    void countSlowConsumer() {
        slowConsumers.increment();
    }

    /** From now on departures are not announced: everyone is leaving at once. */
    void shutDown() {
        shuttingDown = true;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Leaves the cluster and removes this listener's meters, so a stopped listener leaves no stale values behind. */
    @Override
    public void close() {
        cluster.close();
        meters.forEach(registry::remove);
    }
}
