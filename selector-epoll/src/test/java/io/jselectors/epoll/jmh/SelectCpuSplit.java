package io.jselectors.epoll.jmh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Where a select's time goes: runs {@link SelectBenchmark}'s measured call in a loop and splits the
 * thread's CPU time into user and kernel time per op (from {@link ThreadMXBean}). It explains the
 * JMH numbers; it is not a benchmark itself (no forks, no statistics). One target per run, so the
 * fds of only one set are open: {@code bench.sh --cpu-split epoll 100}, or {@code jdk 100}.
 */
public final class SelectCpuSplit {

    private SelectCpuSplit() {}

    /** Arguments: {@code epoll}, {@code poll} or {@code jdk}; the number of ready fds. */
    public static void main(String[] args) throws IOException {
        String target = args.length > 0 ? args[0] : "epoll";
        int ready = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        SelectBenchmark benchmark = new SelectBenchmark();
        SelectBenchmark.Jselectors jselectors = new SelectBenchmark.Jselectors();
        SelectBenchmark.Jdk jdk = new SelectBenchmark.Jdk();
        boolean isJdk = target.equals("jdk");
        if (isJdk) {
            jdk.ready = ready;
            jdk.setUp();
        } else {
            jselectors.backend = target;
            jselectors.ready = ready;
            jselectors.setUp();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int ops = target.equals("poll") ? 2_000 : 200_000;
        try {
            for (int round = 1; round <= 5; round++) { // the first rounds include JIT warm-up
                long cpu0 = mx.getCurrentThreadCpuTime();
                long user0 = mx.getCurrentThreadUserTime();
                long wall0 = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    if (isJdk) {
                        benchmark.jdk(jdk);
                    } else {
                        benchmark.jselectors(jselectors);
                    }
                }
                double wall = (System.nanoTime() - wall0) / (double) ops;
                double user = (mx.getCurrentThreadUserTime() - user0) / (double) ops;
                double kernel = (mx.getCurrentThreadCpuTime() - cpu0) / (double) ops - user;
                System.out.printf("%s ready=%d round %d: %.0f ns/op wall, %.0f ns/op user, %.0f ns/op kernel%n",
                        target, ready, round, wall, user, kernel);
            }
        } finally {
            if (isJdk) {
                jdk.tearDown();
            } else {
                jselectors.tearDown();
            }
        }
    }
}
