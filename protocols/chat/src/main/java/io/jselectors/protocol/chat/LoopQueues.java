package io.jselectors.protocol.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker loop's part of the {@link QueueBudget}: its chat members and what their outbound
 * queues cost together. Runs on that loop only, except {@link #published()} and {@link #peak()},
 * which any thread may read.
 *
 * <p>A member who is behind reports its queue's cost after each write and every member after each
 * flush ({@link #changed}); the total is exact at those moments and otherwise high (a queue that
 * drains between two flushes is seen at the next one), so crossing the share triggers a recount of
 * the members behind before anyone is disconnected.
 *
 * <p>Cost: on each line queued for a member who is behind, two additions and a comparison (none for
 * a member who keeps up); past the share, one pass over the loop's members, at most once per
 * quarter of the share queued (the pass brings the total under three quarters, or, if nobody here
 * is behind, waits for another quarter).
 */
final class LoopQueues {

    private final QueueBudget budget;
    private final Set<Member> members = Collections.newSetFromMap(new IdentityHashMap<>());
    private long total;
    /** A pass found nobody to disconnect: the next one waits until the total passes this (0: none pending). */
    private long recheckAt;
    private long highest;
    /** {@code total} and {@code highest} for other threads: release stores, no fence on the loop. */
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    LoopQueues(QueueBudget budget) {
        this.budget = budget;
    }

    void add(Member member) {
        members.add(member);
    }

    /** The member's connection closed: what it held is gone with it. */
    void remove(Member member) {
        if (members.remove(member)) {
            changed(-member.queued());
        }
    }

    /** A member's queue cost changed by {@code delta}. */
    void changed(long delta) {
        if (delta == 0) {
            return;
        }
        total += delta;
        published.lazySet(total);
    }

    /** The end of a step (a write, a flush, and the disconnections it caused): the peak is taken here. */
    void stepDone() {
        if (total > highest) {
            highest = total;
            peak.lazySet(total);
        }
    }

    long published() {
        return published.get();
    }

    long peak() {
        return peak.get();
    }

    /**
     * Makes room for {@code cost} more bytes in {@code recipient}'s queue within this loop's share,
     * disconnecting the members furthest behind if need be.
     *
     * @return false if {@code recipient} itself was disconnected to make room
     */
    boolean admit(Member recipient, long cost) {
        long share = budget.share();
        long after = total + cost;
        if (after <= share) {
            recheckAt = 0;
            return true;
        }
        if (after <= recheckAt) {
            return true;
        }
        recountBehind();
        if (total + cost > share) {
            shed(share - share / 4 - cost);
        }
        recheckAt = total + cost + share / 4;
        return !recipient.isGone();
    }

    /**
     * After a flush left more queued than before: if this loop is now past its share, disconnects
     * the members furthest behind until it is under three quarters of it.
     */
    void settle() {
        long share = budget.share();
        if (total <= share) {
            recheckAt = 0;
            return;
        }
        if (total <= recheckAt) {
            return;
        }
        recountBehind();
        if (total > share) {
            shed(share - share / 4);
        }
        recheckAt = total + share / 4;
    }

    private void recountBehind() {
        for (Member member : members) {
            if (member.isBehind()) {
                changed(member.recount());
            }
        }
    }

    /** Disconnects members that are behind, the fullest first, until the total is at most {@code target}. */
    private void shed(long target) {
        List<Member> behind = new ArrayList<>();
        for (Member member : members) {
            if (member.isBehind() && member.queued() > 0) {
                behind.add(member);
            }
        }
        behind.sort(Comparator.comparingLong(Member::queued).reversed());
        for (Member member : behind) {
            if (total <= target) {
                return;
            }
            member.shed();
            budget.countDisconnect();
            changed(member.recount());
        }
    }
}
