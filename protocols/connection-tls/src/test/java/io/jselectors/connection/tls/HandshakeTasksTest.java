package io.jselectors.connection.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.EventLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A loop turn's handshake tasks go to the pool together and come back together. */
class HandshakeTasksTest {

    /** A loop whose queued tasks run when the test says; the test thread is its thread. */
    static final class ManualLoop implements EventLoop {
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        /** Refuses tasks from now on, as IoLoop does once it has stopped. */
        boolean stopped;

        @Override
        public void execute(Runnable task) {
            if (stopped) {
                throw new RejectedExecutionException("manual has stopped");
            }
            queue.add(task);
        }

        @Override
        public boolean inLoop() {
            return true;
        }

        @Override
        public Timer schedule(Runnable task, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public String name() {
            return "manual";
        }

        /** Runs what is queued now; returns how many ran. */
        int runQueued() {
            int n = queue.size();
            for (int i = 0; i < n; i++) {
                queue.poll().run();
            }
            return n;
        }
    }

    /** A pool that keeps its jobs until the test runs them. */
    static final class ManualPool implements Executor {
        final List<Runnable> jobs = new ArrayList<>();

        @Override
        public void execute(Runnable job) {
            jobs.add(job);
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(jobs);
            jobs.clear();
            now.forEach(Runnable::run);
        }
    }

    final ManualLoop loop = new ManualLoop();
    final ManualPool pool = new ManualPool();
    final List<String> log = new ArrayList<>();

    void submit(Executor tasks, String name) {
        HandshakeTasks.run(tasks, loop, () -> log.add("task " + name), () -> log.add("resume " + name));
    }

    @Test
    void aTurnsTasksGoToTheOnlyPoolThreadAsOneJobAndResumeWithOneLoopTask() {
        HandshakeTasks tasks = new HandshakeTasks(loop, pool, 1);
        submit(tasks, "a");
        submit(tasks, "b");
        submit(tasks, "c");
        assertThat(pool.jobs).as("nothing goes before the turn ends").isEmpty();
        assertThat(tasks.pending()).isEqualTo(3);

        assertThat(loop.runQueued()).as("one dispatch for the turn").isEqualTo(1);
        assertThat(pool.jobs).hasSize(1);
        pool.runAll();
        assertThat(log).containsExactly("task a", "task b", "task c");
        assertThat(loop.queue).as("one loop task resumes all three").hasSize(1);
        loop.runQueued();
        assertThat(log).containsExactly("task a", "task b", "task c", "resume a", "resume b", "resume c");
    }

    @Test
    void aTurnsTasksAreSplitAmongThePoolsThreads() {
        HandshakeTasks tasks = new HandshakeTasks(loop, pool, 2);
        for (String name : List.of("a", "b", "c")) {
            submit(tasks, name);
        }
        loop.runQueued();
        assertThat(pool.jobs).hasSize(2);
        pool.runAll();
        assertThat(loop.queue).hasSize(2);
        loop.runQueued();
        assertThat(log).containsExactly("task a", "task b", "task c", "resume a", "resume b", "resume c");

        submit(tasks, "d"); // the next turn's
        loop.runQueued();
        assertThat(pool.jobs).hasSize(1);
    }

    @Test
    void aTaskThatThrowsKeepsNoneFromResumingAndIsRethrownOnTheLoop() {
        HandshakeTasks tasks = new HandshakeTasks(loop, pool, 1);
        HandshakeTasks.run(tasks, loop, () -> {
            throw new IllegalStateException("broken task");
        }, () -> log.add("resume a"));
        submit(tasks, "b");
        loop.runQueued();
        pool.runAll();
        assertThat(log).containsExactly("task b");
        assertThatThrownBy(loop::runQueued).hasMessage("broken task");
        assertThat(log).containsExactly("task b", "resume a", "resume b");
    }

    @Test
    void aPoolThatRefusesRunsTheTasksOnTheLoop() {
        Executor refusing = job -> {
            throw new RejectedExecutionException("shut down");
        };
        HandshakeTasks tasks = new HandshakeTasks(loop, refusing, 1);
        submit(tasks, "a");
        loop.runQueued();
        assertThat(log).containsExactly("task a");
        loop.runQueued();
        assertThat(log).containsExactly("task a", "resume a");

        submit(refusing, "b"); // a plain executor that refuses: both at once
        assertThat(log).containsExactly("task a", "resume a", "task b", "resume b");
    }

    @Test
    void aPlainExecutorRunsEachTaskAsItsOwnJob() {
        submit(pool, "a");
        submit(pool, "b");
        assertThat(pool.jobs).hasSize(2);
        pool.runAll();
        assertThat(loop.queue).hasSize(2);
        loop.runQueued();
        assertThat(log).containsExactly("task a", "task b", "resume a", "resume b");
    }

    @Test
    void anotherLoopsBatchIsUsedAsAPlainExecutor() {
        HandshakeTasks other = new HandshakeTasks(new ManualLoop(), pool, 1);
        submit(other, "a");
        assertThat(other.pending()).isZero();
        assertThat(pool.jobs).hasSize(1);
    }

    @Test
    void aJobThatFinishesAfterItsLoopStoppedEndsQuietlyAndResumesNothing() {
        HandshakeTasks tasks = new HandshakeTasks(loop, pool, 1);
        submit(tasks, "a");
        submit(tasks, "b");
        loop.runQueued();
        submit(pool, "c"); // a plain executor's job, the other path back to the loop
        loop.stopped = true; // the server shuts down while the tasks run

        // Thrown, the refusal would end the pool thread with a stack trace.
        assertThatCode(pool::runAll).doesNotThrowAnyException();
        assertThat(log).as("the tasks ran; nothing resumed on a pool thread").containsExactly("task a", "task b", "task c");
        assertThat(loop.queue).isEmpty();
    }
}
