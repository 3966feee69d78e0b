package io.jselectors.selector.nio;

import io.jselectors.selector.AbstractSelectorProvider;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.util.Set;

/**
 * The {@code nio} backend's provider: always available, lowest priority, the fallback where no
 * native backend works. Registered in {@code META-INF/services}.
 */
public final class NioSelectorProvider extends AbstractSelectorProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public NioSelectorProvider() {
        super(NioSelector.NAME, PRIORITY_NIO);
    }

    /** Nothing to check: the JDK's selector works wherever the JDK runs. */
    @Override
    protected String probe() {
        return null;
    }

    @Override
    protected Selector openSelector(Set<SelectorOption> options) throws IOException {
        return new NioSelector();
    }
}
