package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.selector.Selector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poll-before-wait policy, driven the way {@link IoLoop#turn} drives it, with the number of
 * ready keys each select returns given by the test: no clock, no selector.
 */
class PollsBeforeWaitTest {

    /** The loop's wait when no task is queued and no timer is set. */
    private static final long WAIT = Selector.INFINITE;

    /** One select: returns whether it polled (timeout 0) instead of waiting. */
    private static boolean select(PollsBeforeWait policy, int ready) {
        boolean polled = policy.polling(WAIT);
        policy.selected(ready, polled);
        return polled;
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(PollsBeforeWait.PROPERTY);
    }

    @Test
    void anIdleLoopWaitsOnEveryTurn() {
        PollsBeforeWait policy = new PollsBeforeWait(4);
        for (int turn = 0; turn < 100; turn++) {
            assertThat(select(policy, 0)).as("turn %d of a loop woken only by tasks and timers", turn).isFalse();
        }
    }

    @Test
    void afterWorkItPollsAtMostTheBoundThenWaits() {
        PollsBeforeWait policy = new PollsBeforeWait(4);
        assertThat(select(policy, 3)).as("the wait that found work").isFalse();
        for (int poll = 0; poll < 4; poll++) {
            assertThat(select(policy, 0)).as("empty poll %d", poll + 1).isTrue();
        }
        assertThat(select(policy, 0)).as("after 4 empty polls").isFalse();
        assertThat(select(policy, 0)).isFalse();
    }

    @Test
    void aPollThatFindsWorkRefillsThePolls() {
        PollsBeforeWait policy = new PollsBeforeWait(2);
        select(policy, 1);
        assertThat(select(policy, 0)).isTrue();
        assertThat(select(policy, 5)).as("the second poll finds work").isTrue();
        assertThat(select(policy, 0)).isTrue();
        assertThat(select(policy, 0)).isTrue();
        assertThat(select(policy, 0)).as("two empty polls after the last work").isFalse();
    }

    @Test
    void switchedOffItNeverPolls() {
        PollsBeforeWait policy = new PollsBeforeWait(0);
        for (int turn = 0; turn < 100; turn++) {
            assertThat(select(policy, turn % 3)).as("turn %d", turn).isFalse();
        }
    }

    @Test
    void aQueuedTaskMakesAPollThatIsNotThePolicys() {
        PollsBeforeWait policy = new PollsBeforeWait(2);
        select(policy, 1);
        // The loop's own wait is 0 (tasks queued): that select is not one of the policy's polls.
        assertThat(policy.polling(0)).isFalse();
        policy.selected(0, false);
        assertThat(select(policy, 0)).as("the polls are still left").isTrue();
    }

    @Test
    void pollsThatFindNothingBackOffUpToTheBound() {
        // A lightly loaded loop: each wake-up finds one event and nothing follows it.
        int polls = 4;
        PollsBeforeWait policy = new PollsBeforeWait(polls);
        int wakeUps = 10_000;
        int emptyPolls = 0;
        int longestSkip = 0;
        int skipped = 0;
        for (int wake = 0; wake < wakeUps; wake++) {
            assertThat(select(policy, 1)).as("a wake-up is a wait").isFalse();
            int pollsThisWake = 0;
            while (select(policy, 0)) {
                pollsThisWake++;
            }
            assertThat(pollsThisWake).isIn(0, polls);
            emptyPolls += pollsThisWake;
            skipped = pollsThisWake == 0 ? skipped + 1 : 0;
            longestSkip = Math.max(longestSkip, skipped);
        }
        assertThat(longestSkip).as("wake-ups in a row without polls").isEqualTo(PollsBeforeWait.MAX_BACKOFF);
        // Back-off 1, 2, 4, ..., 64, then 64 each time: 4 polls per 65 wake-ups once settled.
        assertThat(emptyPolls).as("empty polls over %d wake-ups", wakeUps)
                .isLessThanOrEqualTo(polls * (7 + wakeUps / (PollsBeforeWait.MAX_BACKOFF + 1) + 1));
    }

    @Test
    void aRunWhoseEmptyPollsOutweighItsFindsBacksOff() {
        PollsBeforeWait policy = new PollsBeforeWait(4);
        select(policy, 1); // a wake-up
        for (int i = 0; i < 3; i++) {
            assertThat(select(policy, 0)).isTrue();
        }
        assertThat(select(policy, 1)).as("the fourth poll finds one packet").isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(select(policy, 0)).isTrue();
        }
        // 7 empty polls for 1 find: more than EMPTY_POLLS_PER_FIND, so the next wake-up skips polling.
        select(policy, 1);
        assertThat(policy.polling(WAIT)).isFalse();
        select(policy, 1);
        assertThat(policy.polling(WAIT)).as("the back-off of 1 is over").isTrue();
        // This run pays: 1 find, then its 4 closing empty polls (4 <= EMPTY_POLLS_PER_FIND * 1).
        assertThat(select(policy, 3)).isTrue();
        while (select(policy, 0)) {
            // the closing empty polls
        }
        select(policy, 1);
        assertThat(policy.polling(WAIT)).as("no back-off after a run that paid").isTrue();
    }

    @Test
    void workFoundByAPollEndsTheBackOff() {
        PollsBeforeWait policy = new PollsBeforeWait(1);
        for (int i = 0; i < 20; i++) { // back off to the bound: the next 64 wake-ups skip polling
            select(policy, 1);
            while (select(policy, 0)) {
                // the empty polls
            }
        }
        int wakeUpsToPoll = 0;
        while (true) {
            select(policy, 1);
            wakeUpsToPoll++;
            if (policy.polling(WAIT)) {
                break;
            }
        }
        assertThat(wakeUpsToPoll).isLessThanOrEqualTo(PollsBeforeWait.MAX_BACKOFF + 1);
        assertThat(select(policy, 2)).as("this poll finds work").isTrue();
        assertThat(select(policy, 0)).as("polling again at once").isTrue();
        select(policy, 1); // the next wake-up
        assertThat(policy.polling(WAIT)).as("no back-off left after work was found by a poll").isTrue();
    }

    @Test
    void thePropertySetsTheBoundAndMoreLoopsThanCpusSwitchItOff() {
        System.setProperty(PollsBeforeWait.PROPERTY, "3");
        assertThat(PollsBeforeWait.configured(1, 2)).isEqualTo(3);
        assertThat(PollsBeforeWait.configured(2, 2)).isEqualTo(3);
        assertThat(PollsBeforeWait.configured(4, 2)).as("4 loops on 2 CPUs").isZero();
        System.setProperty(PollsBeforeWait.PROPERTY, "off");
        assertThat(PollsBeforeWait.configured(1, 2)).isZero();
        System.clearProperty(PollsBeforeWait.PROPERTY);
        assertThat(PollsBeforeWait.configured(1, 2)).isEqualTo(PollsBeforeWait.DEFAULT_POLLS);
        System.setProperty(PollsBeforeWait.PROPERTY, "many");
        assertThatThrownBy(() -> PollsBeforeWait.configured(1, 2)).hasMessageContaining(PollsBeforeWait.PROPERTY);
        assertThatThrownBy(() -> new PollsBeforeWait(PollsBeforeWait.MAX_POLLS + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PollsBeforeWait(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
