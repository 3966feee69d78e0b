package io.jselectors.selector.select;

import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.SelectorProvider;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Set;

/** Provides {@link SelectSelector} as {@code "select"} on little-endian Linux, macOS and FreeBSD. */
public final class SelectSelectorProvider implements SelectorProvider {

    /** Creates the provider; the availability check runs once, lazily. */
    public SelectSelectorProvider() {}

    @Override
    public String name() {
        return "select";
    }

    @Override
    public int priority() {
        return PRIORITY_SELECT;
    }

    @Override
    public String unavailabilityCause() {
        return Cause.VALUE;
    }

    private static final class Cause {
        static final String VALUE = probe();
    }

    private static String probe() {
        if (Platform.current() == Platform.OTHER) {
            return "select backend supports Linux, macOS and FreeBSD; this is " + System.getProperty("os.name");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // fd_set words differ in width per OS; only on little-endian is the bit layout the same.
            return "select backend needs a little-endian CPU; this is " + Platform.arch();
        }
        if (Native.find("select").isEmpty()) {
            return "the C library has no select symbol";
        }
        return null;
    }

    @Override
    public Selector open(Set<SelectorOption> options) throws IOException {
        return new SelectSelector();
    }
}
