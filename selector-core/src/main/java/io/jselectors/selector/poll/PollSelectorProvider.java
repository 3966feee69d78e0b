package io.jselectors.selector.poll;

import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.SelectorProvider;
import java.io.IOException;
import java.util.Set;

/** Provides {@link PollSelector} as {@code "poll"} on Linux, macOS and FreeBSD. */
public final class PollSelectorProvider implements SelectorProvider {

    /** Creates the provider; the availability check runs once, lazily. */
    public PollSelectorProvider() {}

    @Override
    public String name() {
        return "poll";
    }

    @Override
    public int priority() {
        return PRIORITY_POLL;
    }

    @Override
    public String unavailabilityCause() {
        return Cause.VALUE;
    }

    private static final class Cause {
        static final String VALUE = probe();
    }

    private static String probe() {
        Platform platform = Platform.current();
        if (platform == Platform.OTHER) {
            return "poll backend supports Linux, macOS and FreeBSD; this is " + System.getProperty("os.name");
        }
        if (Native.find("poll").isEmpty()) {
            return "the C library has no poll symbol";
        }
        return null;
    }

    @Override
    public Selector open(Set<SelectorOption> options) throws IOException {
        return new PollSelector();
    }
}
