package io.jselectors.selector.nio;

import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.SelectorProvider;
import java.io.IOException;
import java.util.Set;

/**
 * The {@code nio} backend's provider: always available, lowest priority, the fallback where no
 * native backend works. Registered in {@code META-INF/services}.
 */
public final class NioSelectorProvider implements SelectorProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public NioSelectorProvider() {}

    @Override
    public String name() {
        return NioSelector.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_NIO;
    }

    @Override
    public String unavailabilityCause() {
        return null;
    }

    @Override
    public Selector open(Set<SelectorOption> options) throws IOException {
        return new NioSelector();
    }
}
