package io.jselectors.kqueue;

import io.jselectors.posix.Platform;
import io.jselectors.selector.AbstractSelectorProvider;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Provides the {@code kqueue} backend, {@link KqueueSelector}, on macOS and FreeBSD, where it is
 * what {@link Selector#open()} returns. Elsewhere it says why it cannot work. The probe runs once
 * ({@link AbstractSelectorProvider}).
 */
public final class KqueueSelectorProvider extends AbstractSelectorProvider {

    /** The C symbols {@link Kqueue} links when it is initialized; looked up, never called, first. */
    static final List<String> SYMBOLS = List.of("kqueue", "kevent");

    /** Called by {@link java.util.ServiceLoader}; does no work until asked. */
    public KqueueSelectorProvider() {
        super("kqueue", PRIORITY_EVENT_QUEUE);
    }

    @Override
    protected String probe() {
        return causeOn(Platform.current());
    }

    /** Why kqueue cannot work on {@code os}, or {@code null}; the symbols are looked up, not called. */
    static String causeOn(Platform os) {
        if (KeventAbi.of(os) == null) {
            return "kqueue exists only on macOS and FreeBSD; this is " + describe(os);
        }
        return missingSymbolCause(SYMBOLS);
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
    protected Selector openSelector(Set<SelectorOption> options) throws IOException {
        return KqueueSelector.open(Kqueue.INSTANCE, KeventAbi.current());
    }
}
