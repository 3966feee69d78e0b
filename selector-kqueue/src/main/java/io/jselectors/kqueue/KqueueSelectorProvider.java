package io.jselectors.kqueue;

import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.SelectorProvider;
import java.io.IOException;
import java.util.Set;

/**
 * Provides the {@code kqueue} backend, {@link KqueueSelector}, on macOS and FreeBSD, where it is
 * what {@link Selector#open()} returns. Elsewhere it says why it cannot work.
 */
public final class KqueueSelectorProvider implements SelectorProvider {

    private volatile String cause;
    private volatile boolean probed;

    /** Called by {@link java.util.ServiceLoader}; does no work until asked. */
    public KqueueSelectorProvider() {}

    @Override
    public String name() {
        return "kqueue";
    }

    @Override
    public int priority() {
        return PRIORITY_EVENT_QUEUE;
    }

    @Override
    public String unavailabilityCause() {
        if (!probed) {
            cause = causeOn(Platform.current());
            probed = true;
        }
        return cause;
    }

    /** Why kqueue cannot work on {@code os}, or {@code null}; the symbols are looked up, not called. */
    static String causeOn(Platform os) {
        if (KeventAbi.of(os) == null) {
            return "kqueue exists only on macOS and FreeBSD; this is " + describe(os);
        }
        for (String symbol : new String[] {"kqueue", "kevent"}) {
            if (Native.find(symbol).isEmpty()) {
                return "the C library has no " + symbol + "()";
            }
        }
        return null;
    }

    private static String describe(Platform os) {
        return switch (os) {
            case LINUX -> "Linux";
            case MACOS -> "macOS";
            case FREEBSD -> "FreeBSD";
            case OTHER -> System.getProperty("os.name", "an unknown OS");
        };
    }

    @Override
    public Selector open(Set<SelectorOption> options) throws IOException {
        String why = unavailabilityCause();
        if (why != null) {
            throw new IllegalStateException("kqueue selector is not available: " + why);
        }
        return KqueueSelector.open(Kqueue.INSTANCE, KeventAbi.current());
    }
}
