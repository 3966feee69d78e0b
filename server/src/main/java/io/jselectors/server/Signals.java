package io.jselectors.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM and SIGINT start a graceful shutdown and the process then exits 0. A JVM shutdown hook
 * alone would exit 143 (128 + SIGTERM), which `docker stop` and supervisors read as a failure, so
 * the signals are handled through {@code sun.misc.Signal} (module jdk.unsupported, present in every
 * JDK). A second signal while draining exits at once with status 1.
 */
final class Signals {

    private Signals() {}

    static void onTermination(Runnable gracefulShutdown) {
        AtomicBoolean started = new AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (!started.compareAndSet(false, true)) {
                Runtime.getRuntime().halt(1);
            }
            Thread.ofPlatform().name("shutdown").start(() -> {
                gracefulShutdown.run();
                System.exit(0);
            });
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    }
}
