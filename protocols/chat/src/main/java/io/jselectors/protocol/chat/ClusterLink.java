package io.jselectors.protocol.chat;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerException;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's part of a chat cluster, over a {@link Broker}.
 *
 * <h2>Threads</h2>
 * Loops only ever {@code offer} to a bounded queue ({@value #HANDOFF_CAPACITY} jobs, {@link
 * ClusterJobs}) and return;
 * one platform thread, the cluster thread, takes jobs in order and makes every broker call, so a
 * slow or dead broker stalls that thread, never a loop. Messages received run on the broker
 * client's thread and reach members with their loop's {@code execute}, bounded by {@link
 * ReceiveBacklog}.
 *
 * <h2>Order</h2>
 * One sender's lines to a room are offered by its loop in program order, taken from the FIFO queue
 * by one thread and published on one connection, which the broker delivers in order; the receiving
 * instance hands them to each loop from one thread, and a loop runs tasks in submission order. So
 * every member on every instance sees one sender's lines in the order sent.
 *
 * <h2>When a publish fails</h2>
 * A publish that fails while the broker is still connected is retried by the {@link
 * ClusterPublisher} before the cluster thread takes the next job, so order holds, and the retry
 * keeps the message's sequence number, so receivers never show it twice. A message still not taken
 * is lost: counted and, if it was a user's line or private message, that user is told. Notices and
 * presence are counted only; presence is re-sent whole every {@link #HEARTBEAT}.
 *
 * <h2>When the broker is down</h2>
 * Local chat carries on. Every user is told once that the other instances are unreachable and
 * that messages reach this instance only; such messages are not queued for later (counted as
 * dropped, reason {@code unreachable}). Nick changes are refused, since the claim cannot be
 * checked. When the broker is back, users are told, presence is re-sent and nicks re-claimed.
 */
final class ClusterLink implements Cluster, Broker.Events {

    /** Jobs (publishes, claims) waiting for the cluster thread: a second of a busy instance's traffic. */
    static final int HANDOFF_CAPACITY = 16_384;

    /** Received deliveries waiting in loops: beyond this a loop is too far behind to catch up soon. */
    static final int RECEIVE_BACKLOG = 65_536;

    /** How often this instance's full presence is published; the others' {@code /who} converges within it. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /** An instance silent this long is gone from everyone's presence: five missed heartbeats. */
    static final Duration PRESENCE_TTL = Duration.ofSeconds(5);

    /** A nick claim not renewed for this long expires, freeing the nicks of a crashed instance. */
    static final Duration NICK_LEASE = Duration.ofSeconds(15);

    /** Claims are renewed three times per lease, so one missed renewal loses nothing. */
    static final Duration RENEW_EVERY = NICK_LEASE.dividedBy(3);

    /** How long the cluster thread waits for a job before it looks at its timers. */
    private static final long TICK_MILLIS = 50;

    /** How long closing waits for the goodbye and the releases to go out. */
    private static final long CLOSE_MILLIS = 3_000;

    static final String UNREACHABLE = ChatText.info(
            "other instances are unreachable (broker down); until they are back your messages reach this server's users only, and are not sent later");
    static final String BACK = ChatText.info("other instances are reachable again");

    private static final Logger log = LoggerFactory.getLogger(ClusterLink.class);

    private final ChatState state;
    private final String instance;
    private final Broker broker;
    private final ClusterJobs jobs = new ClusterJobs(HANDOFF_CAPACITY);
    private final ConcurrentHashMap<Member, ClusterWire.Entry> local = new ConcurrentHashMap<>();
    /** Nick key to nick, for the claims this instance holds (renewed by the cluster thread). */
    private final ConcurrentHashMap<String, String> claimed = new ConcurrentHashMap<>();
    private final ClusterRoster roster = new ClusterRoster();
    private final ClusterMeters meters;
    private final ReceiveBacklog backlog;
    private final ClusterInbox inbox;
    private final ClusterPublisher publisher;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile boolean everConnected;
    private volatile boolean rejoin;

    ClusterLink(ChatState state, BrokerSettings settings, Function<Broker.Events, Broker> open,
            io.micrometer.core.instrument.MeterRegistry registry) {
        this.state = state;
        this.instance = settings.instance();
        this.meters = new ClusterMeters(registry, jobs::size, this::backlogDepth, roster::size, roster::instances);
        this.backlog = new ReceiveBacklog(RECEIVE_BACKLOG, () -> meters.dropped(ClusterMeters.Drop.RECEIVE_BACKLOG));
        this.inbox = new ClusterInbox(state, instance, roster, meters, backlog);
        this.broker = open.apply(this);
        this.publisher = new ClusterPublisher(broker, meters, () -> running);
        this.thread = Thread.ofPlatform().name("chat-cluster-" + instance).daemon().unstarted(this::work);
        thread.start();
    }

    private int backlogDepth() {
        return backlog == null ? 0 : backlog.depth();
    }

    // ---- called from loops ----

    @Override
    public String guestPrefix() {
        return ChatText.GUEST_PREFIX + instance + "-";
    }

    @Override
    public boolean reachable() {
        return connected;
    }

    @Override
    public boolean toRoom(String room, String line, boolean counted, Member author) {
        return publish(ClusterWire.roomLine(instance, room, counted, line), author, line);
    }

    @Override
    public Sent toNick(String nick, String line, Consumer<String> holder, Member author) {
        Map.Entry<String, String> where = roster.holder(nick);
        if (where == null) {
            return Sent.NO_SUCH_NICK;
        }
        if (!connected) {
            meters.dropped(ClusterMeters.Drop.UNREACHABLE);
            return Sent.UNREACHABLE;
        }
        if (!publish(ClusterWire.privateLine(instance, where.getValue(), line), author, line)) {
            return Sent.DROPPED;
        }
        holder.accept(where.getValue());
        return Sent.SENT;
    }

    @Override
    public void present(Member member, String nick, String room) {
        ClusterWire.Entry entry = new ClusterWire.Entry(member.id(), nick, room);
        local.put(member, entry);
        publish(ClusterWire.present(instance, entry.member(), nick, room), null, null);
    }

    @Override
    public void absent(Member member) {
        if (local.remove(member) != null) {
            publish(ClusterWire.absent(instance, member.id()), null, null);
        }
    }

    @Override
    public void claim(Member member, String nick, Consumer<String> done) {
        if (!connected) {
            done.accept("other instances are unreachable, so " + nick + " cannot be checked; try again when they are back");
            return;
        }
        String key = nickKey(nick);
        boolean queued = jobs.offer(() -> {
            String outcome;
            try {
                // Presence counts too: a broker restarted empty has lost every claim until their
                // instances re-make them, and meanwhile a nick someone elsewhere holds is still taken.
                if (roster.holder(nick) == null && broker.claim(key, instance)) {
                    claimed.put(key, nick);
                    outcome = null;
                } else {
                    outcome = "nick " + nick + " is taken";
                }
            } catch (BrokerException e) {
                outcome = "nick " + nick + " could not be checked (" + e.getMessage() + "); try again";
            }
            String answer = outcome;
            try {
                member.connection().loop().execute(() -> done.accept(answer));
            } catch (RejectedExecutionException stopped) {
                release(nick);
            }
        });
        if (!queued) {
            meters.dropped(ClusterMeters.Drop.HANDOFF_FULL);
            done.accept("the cluster is busy (" + HANDOFF_CAPACITY + " messages waiting); try again");
        }
    }

    @Override
    public void release(String nick) {
        String key = nickKey(nick);
        if (claimed.remove(key) != null && !jobs.offer(() -> broker.release(key, instance))) {
            meters.dropped(ClusterMeters.Drop.HANDOFF_FULL); // the lease runs out by itself
        }
    }

    @Override
    public List<String> remoteMembers(String roomKey) {
        return roster.members(roomKey);
    }

    @Override
    public Map<String, Map.Entry<String, Integer>> remoteRooms() {
        return roster.rooms();
    }

    /**
     * Hands {@code message} to the cluster thread: false only if the queue was full. If the broker
     * does not take it later, {@code author} (if any) is told that {@code line} was not delivered.
     */
    private boolean publish(byte[] message, Member author, String line) {
        if (!connected) {
            meters.dropped(ClusterMeters.Drop.UNREACHABLE);
            return true;
        }
        if (!jobs.offerPublish(new ClusterPublisher.Outgoing(message, author, line))) {
            meters.dropped(ClusterMeters.Drop.HANDOFF_FULL);
            return false;
        }
        return true;
    }

    private static String nickKey(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    // ---- called from the broker client's threads ----

    @Override
    public void connected() {
        if (connected) {
            return;
        }
        connected = true;
        meters.connected(true);
        rejoin = true;
        if (everConnected) {
            meters.reconnected();
            tellEveryone(BACK);
            log.info("chat cluster: broker reachable again, presence re-sent");
        }
        everConnected = true;
    }

    @Override
    public void disconnected(String reason) {
        if (!connected) {
            return;
        }
        connected = false;
        meters.connected(false);
        log.warn("chat cluster: broker unreachable ({}); reconnecting", reason);
        tellEveryone(UNREACHABLE);
    }

    @Override
    public void received(byte[] bytes) {
        inbox.received(bytes);
    }

    private void tellEveryone(String line) {
        for (Member member : state.members()) {
            member.send(ChatText.encode(ByteBufAllocator.DEFAULT, line), null, false);
        }
    }

    // ---- the cluster thread ----

    private void work() {
        long now = System.nanoTime();
        long nextBeat = now;
        long nextRenew = now + RENEW_EVERY.toNanos();
        while (running) {
            try {
                jobs.runWaiting(TICK_MILLIS, publisher, this::run);
                now = System.nanoTime();
                if (rejoin && connected) {
                    rejoin = false;
                    reclaim();
                    nextBeat = now;
                }
                if (now - nextBeat >= 0) {
                    nextBeat = now + HEARTBEAT.toNanos();
                    heartbeat(now);
                }
                if (now - nextRenew >= 0) {
                    nextRenew = now + RENEW_EVERY.toNanos();
                    renew();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.warn("chat cluster thread: unexpected error, carrying on", e);
            }
        }
        farewell();
    }

    private void run(ClusterJobs.Job job) {
        try {
            job.run();
        } catch (BrokerException e) {
            meters.dropped(ClusterMeters.Drop.FAILED);
        }
    }

    private void heartbeat(long now) {
        if (connected) {
            publisher.send(ClusterWire.roster(instance, List.copyOf(local.values())), null, null);
        }
        for (String origin : roster.silentSince(now - PRESENCE_TTL.toNanos())) {
            roster.remove(origin, (nick, room) -> inbox.departedElsewhere(nick, room, connected));
            inbox.forget(origin);
        }
    }

    private void renew() {
        if (!connected) {
            return;
        }
        for (Map.Entry<String, String> claim : claimed.entrySet()) {
            try {
                if (!broker.renew(claim.getKey(), instance)) {
                    lost(claim.getKey(), claim.getValue());
                }
            } catch (BrokerException e) {
                return; // the connection broke; the reconnect re-claims everything
            }
        }
    }

    private void reclaim() {
        for (Map.Entry<String, String> claim : claimed.entrySet()) {
            try {
                if (!broker.claim(claim.getKey(), instance)) {
                    lost(claim.getKey(), claim.getValue());
                }
            } catch (BrokerException e) {
                return;
            }
        }
    }

    /** Someone else holds a nick this instance had (it expired while the broker was away). */
    private void lost(String key, String nick) {
        claimed.remove(key);
        Member holder = state.findNick(nick);
        if (holder != null) {
            holder.send(ChatText.encode(ByteBufAllocator.DEFAULT, ChatText.error("your nick " + nick
                    + " was claimed on another instance while the broker was unreachable; please pick another with /nick")), null, false);
        }
    }

    private void farewell() {
        if (connected) {
            publisher.send(ClusterWire.bye(instance), null, null);
            for (String key : claimed.keySet()) {
                run(() -> broker.release(key, instance));
            }
        }
        broker.close();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(CLOSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        meters.close();
    }
}
