package io.jselectors.protocol.chat;

import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What other instances send, applied here: room lines fanned out to the room's local members,
 * private lines to their nick, presence into the {@link ClusterRoster}. Runs on the broker
 * client's receiving thread, one message at a time in each origin's order; every delivery reaches a
 * member through its loop's {@code execute}, bounded by the {@link ReceiveBacklog}.
 *
 * <p>Each origin numbers what it publishes ({@link ClusterWire#sequenced}). A number at or below
 * the last one applied from that origin is a retried publish that had gone through after all: it
 * is ignored (counted as a duplicate), so a retry never shows a line twice. A number further ahead
 * than the next one means messages published by the origin never arrived here: counted as {@code
 * dropped{reason=missed}}.
 */
final class ClusterInbox {

    private static final Logger log = LoggerFactory.getLogger(ClusterInbox.class);
    /**
     * At most one warning per minute about unreadable messages: an instance of another version
     * publishing all the time must not flood the log, but the operator must hear of it, since its
     * members are then not in this instance's rooms.
     */
    private static final long UNREADABLE_WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How much of an unreadable message the warning shows, enough to recognise its origin. */
    private static final int UNREADABLE_SAMPLE_CHARS = 40;

    private final ChatState state;
    private final String instance;
    private final ClusterRoster roster;
    private final ClusterMeters meters;
    private final ReceiveBacklog backlog;
    /**
     * Origin to the last sequence number applied from it; forgotten with the origin. A mutable
     * holder, not a {@code Long}: a busy cluster would otherwise box one number per message.
     */
    private final ConcurrentHashMap<String, Numbering> lastSeq = new ConcurrentHashMap<>();
    /**
     * When the last unreadable-message warning was logged (one interval before construction at
     * first, so the first one is logged at once), and how many came since; only the receiving
     * thread uses them.
     */
    private long lastUnreadableWarning = System.nanoTime() - UNREADABLE_WARN_INTERVAL_NANOS;
    private long unreadableSinceWarning;

    /**
     * The last number applied from one origin. Written only by the receiving thread (the one that
     * calls {@link #received}); forgetting the origin drops the holder, so a message from it after
     * that starts a new one.
     */
    private static final class Numbering {
        private volatile long last; // volatile: should the receiving thread ever change (a new subscription), the next one sees it

        Numbering(long last) {
            this.last = last;
        }
    }

    ClusterInbox(ChatState state, String instance, ClusterRoster roster, ClusterMeters meters, ReceiveBacklog backlog) {
        this.state = state;
        this.instance = instance;
        this.roster = roster;
        this.meters = meters;
        this.backlog = backlog;
    }

    /**
     * One message from the broker; this instance's own are ignored, and so are unreadable ones
     * (counted as {@code dropped{reason=unreadable}} and warned of at most once a minute).
     */
    void received(byte[] bytes) {
        ClusterWire.Message message = ClusterWire.decode(bytes);
        if (message == null) {
            unreadable(bytes);
            return;
        }
        if (message.origin().equals(instance)) {
            return;
        }
        Numbering numbering = lastSeq.get(message.origin());
        if (numbering == null) {
            lastSeq.put(message.origin(), new Numbering(message.seq()));
        } else {
            long last = numbering.last;
            if (message.seq() <= last) {
                meters.duplicate();
                return;
            }
            if (message.seq() > last + 1) {
                meters.dropped(ClusterMeters.Drop.MISSED, message.seq() - last - 1);
            }
            numbering.last = message.seq();
        }
        meters.received();
        roster.heard(message.origin(), System.nanoTime());
        List<String> f = message.fields();
        switch (message.kind()) {
            case 'M' -> {
                Room room = state.room(f.get(0));
                if (room != null) {
                    room.broadcast(ChatText.encode(ByteBufAllocator.DEFAULT, f.get(2)), null, f.get(1).equals("1"), backlog);
                }
            }
            case 'P' -> deliverPrivate(f.get(0), f.get(1));
            case 'J' -> roster.present(message.origin(), new ClusterWire.Entry(f.get(0), f.get(1), f.get(2)));
            case 'Q' -> roster.absent(message.origin(), f.get(0));
            case 'R' -> roster.replace(message.origin(), ClusterWire.entries(f));
            case 'B' -> {
                roster.remove(message.origin(), (nick, room) -> departed(nick, room, "their server shut down"));
                lastSeq.remove(message.origin());
            }
            default -> { }
        }
    }

    private void unreadable(byte[] bytes) {
        meters.dropped(ClusterMeters.Drop.UNREADABLE);
        unreadableSinceWarning++;
        long now = System.nanoTime();
        if (now - lastUnreadableWarning < UNREADABLE_WARN_INTERVAL_NANOS) {
            return;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, UNREADABLE_SAMPLE_CHARS), StandardCharsets.UTF_8);
        log.warn("chat cluster: {} message(s) on the cluster subject were not in this version's format and were ignored"
                + " (an instance of another jselectors version? all instances of a cluster must run the same one);"
                + " latest starts \"{}\"", unreadableSinceWarning, ChatText.clean(text));
        lastUnreadableWarning = now;
        unreadableSinceWarning = 0;
    }

    private void deliverPrivate(String nick, String line) {
        Member target = state.findNick(nick);
        if (target == null || !backlog.enter()) {
            return;
        }
        try {
            target.connection().loop().execute(() -> {
                backlog.exit();
                target.sendHere(ChatText.encode(target.connection().alloc(), line), null, true);
            });
        } catch (RejectedExecutionException stopped) {
            backlog.exit();
        }
    }

    /**
     * A member of an instance that went silent: its room here hears that it left, unless this
     * instance is the one cut off (then everyone else went silent, and users were told already).
     */
    /** {@code origin} went silent and left the roster: its numbering is forgotten with it. */
    void forget(String origin) {
        lastSeq.remove(origin);
    }

    void departedElsewhere(String nick, String roomName, boolean reachable) {
        if (reachable) {
            departed(nick, roomName, "their server stopped answering");
        }
    }

    private void departed(String nick, String roomName, String why) {
        Room room = state.room(roomName);
        if (room != null) {
            room.broadcast(ChatText.encode(ByteBufAllocator.DEFAULT,
                    ChatText.event(room.name(), nick + " left (" + why + ")")), null, false, backlog);
        }
    }
}
