package io.jselectors.selector.select;

import io.jselectors.posix.Platform;
import io.jselectors.selector.AbstractSelectorProvider;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;

/** Provides {@link SelectSelector} as {@code "select"} on little-endian Linux, macOS and FreeBSD. */
public final class SelectSelectorProvider extends AbstractSelectorProvider {

    /** Creates the provider; the availability check runs once, lazily. */
    public SelectSelectorProvider() {
        super("select", PRIORITY_SELECT);
    }

    @Override
    protected String probe() {
        if (Platform.current() == Platform.OTHER) {
            return "select backend supports Linux, macOS and FreeBSD; this is " + System.getProperty("os.name");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // fd_set words differ in width per OS; only on little-endian is the bit layout the same.
            return "select backend needs a little-endian CPU; this is " + Platform.arch();
        }
        return missingSymbolCause(List.of("select"));
    }

    @Override
    protected Selector openSelector(Set<SelectorOption> options) throws IOException {
        return new SelectSelector();
    }
}
