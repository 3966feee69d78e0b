package io.jselectors.selector.poll;

import io.jselectors.posix.Platform;
import io.jselectors.selector.AbstractSelectorProvider;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** Provides {@link PollSelector} as {@code "poll"} on Linux, macOS and FreeBSD. */
public final class PollSelectorProvider extends AbstractSelectorProvider {

    /** Creates the provider; the availability check runs once, lazily. */
    public PollSelectorProvider() {
        super("poll", PRIORITY_POLL);
    }

    @Override
    protected String probe() {
        if (Platform.current() == Platform.OTHER) {
            return "poll backend supports Linux, macOS and FreeBSD; this is " + System.getProperty("os.name");
        }
        return missingSymbolCause(List.of("poll"));
    }

    @Override
    protected Selector openSelector(Set<SelectorOption> options) throws IOException {
        return new PollSelector();
    }
}
