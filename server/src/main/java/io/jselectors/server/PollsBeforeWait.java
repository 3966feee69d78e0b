package io.jselectors.server;

/**
 * Whether a worker loop's next select is a zero-timeout poll or its ordinary wait: after a select
 * that found ready keys, up to {@code polls} polls in a row that find nothing before the loop
 * blocks again. Loop thread only; a plain counter, no clock.
 *
 * <p><b>Why.</b> A loop that is faster than its load handles what one wait returned, waits
 * again, finds nothing, and sleeps; the next packet then wakes it: a context switch and an
 * inter-processor interrupt, charged to the loop and to whoever sends (bench/PROFILE.md, eighth
 * pass). A few polls first catch the next packet when it is about to arrive, for the price of a
 * syscall each. Three rules keep that price off a loop that gains nothing by it: a select that
 * found nothing after a blocking wait (a wakeup, a timer) never starts polls, so an idle loop, or
 * one woken only by its timers and tasks, blocks on every turn as it always did; the polls per
 * wake-up are bounded ({@link #MAX_POLLS}); and a run of polls whose empty ones outweigh what its
 * finds saved ({@link #EMPTY_POLLS_PER_FIND}) makes the next wake-ups skip polling, twice as many
 * after each such run in a row ({@link #MAX_BACKOFF}), so a lightly loaded loop, whose next packet
 * is far off, soon polls almost never. Off when the loops outnumber the CPUs ({@link #configured}).
 */
final class PollsBeforeWait {

    /**
     * The system property that sets the number of empty polls after a select that found work, an
     * integer from 0 (off: every turn waits as before) to {@link #MAX_POLLS}; read at each start.
     * Without it, {@link #DEFAULT_POLLS}.
     */
    static final String PROPERTY = "jselectors.pollsBeforeWait";

    /**
     * The default number of polls: 0 until a quiet-machine measurement shows a number that pays
     * (bench/PROFILE.md, eighth pass).
     */
    static final int DEFAULT_POLLS = 0;

    /**
     * The most polls the property may ask for: each empty poll is a syscall (~0.5 µs on this
     * project's VM) paid once per wake-up even when no packet follows, and a block-and-wake costs
     * ~6 µs (bench/PROFILE.md, fifth pass), so more than this many would cost a lightly loaded
     * loop more than the sleep it might save.
     */
    static final int MAX_POLLS = 16;

    /**
     * How many empty polls one poll that finds work pays for: a block-and-wake costs the loop's
     * side ~5.8 µs of CPU on this project's VM with its sender's share (bench/PROFILE.md, fifth
     * pass), an empty poll ~0.5 µs, so a found packet saves about ten polls' worth; four keeps a
     * margin for the part of the wake-up the sender pays. A run of polls with more empty ones
     * than this many per poll that found work cost more than it saved and starts a back-off.
     */
    static final int EMPTY_POLLS_PER_FIND = 4;

    /**
     * The most wake-ups in a row that skip polling after a run of polls that did not pay: the
     * back-off doubles with each such run up to this, so a lightly loaded loop, whose polls never find work,
     * pays {@code polls} syscalls once per this many wake-ups (with 4 polls, under 0.1 of a
     * syscall per wake-up), and a loop whose load picks up again polls within as many wake-ups.
     */
    static final int MAX_BACKOFF = 64;

    private final int polls;
    /** Polls left before the loop waits again. */
    private int left;
    /** Wake-ups that still skip polling (the back-off after a run of polls that did not pay). */
    private int skip;
    /** Polls of the current run that found work, and that found none (a run lasts as long as its load: long). */
    private long found;
    private long empty;
    /** The back-off in force: doubled by each run in a row that did not pay, cleared by one that did. */
    private int backoff;

    PollsBeforeWait(int polls) {
        if (polls < 0 || polls > MAX_POLLS) {
            throw new IllegalArgumentException(PROPERTY + " must be 0.." + MAX_POLLS + ", got " + polls);
        }
        this.polls = polls;
    }

    /**
     * The number of polls the property asks for, 0 when the loops outnumber the CPUs ({@code
     * loops > cpus}): there a poll that finds nothing holds the CPU another loop could run on.
     */
    static int configured(int loops, int cpus) {
        if (loops > cpus) {
            return 0;
        }
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return DEFAULT_POLLS;
        }
        if ("off".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be 0.." + MAX_POLLS + " or off, got '" + value + "'");
        }
    }

    /** The bound this policy was made with. */
    int polls() {
        return polls;
    }

    /**
     * Whether the next select polls (timeout 0) instead of the loop's wait of {@code waitNanos}
     * (until its next timer, or 0 already when tasks wait: that poll is not one of this policy's).
     */
    boolean polling(long waitNanos) {
        return left > 0 && waitNanos != 0;
    }

    /**
     * After a select: {@code ready} keys were dispatched, and {@code polled} says whether it was one
     * of this policy's polls. A poll that finds work refills the polls; an empty poll uses one up.
     * When a run of polls ends, it is judged: more than {@link #EMPTY_POLLS_PER_FIND} empty polls
     * per poll that found work starts a back-off (the next {@code backoff} wake-ups do not poll;
     * it doubles with each such run in a row, up to {@link #MAX_BACKOFF}), a run that paid clears
     * it. A wait that found work starts a run unless backing off. An empty wait (woken by a task
     * or a timer) changes nothing, so an idle loop never polls.
     */
    void selected(int ready, boolean polled) {
        if (polled) {
            if (ready > 0) {
                left = polls;
                found++;
            } else {
                empty++;
                if (--left == 0) {
                    runEnded();
                }
            }
        } else if (ready > 0) {
            if (skip > 0) {
                skip--;
            } else {
                left = polls;
                found = 0;
                empty = 0;
            }
        }
    }

    private void runEnded() {
        if (empty > EMPTY_POLLS_PER_FIND * found) {
            backoff = Math.min(Math.max(1, backoff * 2), MAX_BACKOFF);
            skip = backoff;
        } else {
            backoff = 0;
        }
    }
}
