package io.jselectors.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The provider base: one probe per provider, its reason kept, a throwing probe is a reason too. */
class AbstractSelectorProviderTest {

    /** A provider whose probe answers {@code cause} (or throws {@code failure}) and counts its runs. */
    private static final class Counting extends AbstractSelectorProvider {
        final AtomicInteger probes = new AtomicInteger();
        final String cause;
        final RuntimeException failure;

        Counting(String cause, RuntimeException failure) {
            super("counting", PRIORITY_POLL);
            this.cause = cause;
            this.failure = failure;
        }

        @Override
        protected String probe() {
            probes.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return cause;
        }

        @Override
        protected Selector openSelector(Set<SelectorOption> options) throws IOException {
            throw new AssertionError("must not open an unavailable backend");
        }
    }

    @Test
    void theProbeRunsOnceAndItsReasonIsKept() {
        Counting provider = new Counting("no such kernel", null);
        for (int i = 0; i < 5; i++) {
            assertThat(provider.unavailabilityCause()).isEqualTo("no such kernel");
            assertThat(provider.isAvailable()).isFalse();
        }
        assertThat(provider.probes).hasValue(1);
    }

    @Test
    void anAvailableAnswerIsKeptToo() {
        Counting provider = new Counting(null, null);
        assertThat(provider.isAvailable()).isTrue();
        assertThat(provider.unavailabilityCause()).isNull();
        assertThat(provider.probes).hasValue(1);
    }

    @Test
    void aThrowingProbeBecomesTheReasonOnce() {
        Counting provider = new Counting(null, new IllegalStateException("kernel said no"));
        assertThat(provider.unavailabilityCause()).startsWith("probe failed: ").contains("kernel said no");
        assertThat(provider.unavailabilityCause()).contains("kernel said no");
        assertThat(provider.probes).hasValue(1);
    }

    @Test
    void openRefusesWithTheReason() {
        Counting provider = new Counting("wrong OS", null);
        assertThatThrownBy(() -> provider.open(Set.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("counting selector is not available: wrong OS");
    }

    @Test
    void aMissingSymbolIsNamedWithoutLinkingAnything() {
        assertThat(AbstractSelectorProvider.missingSymbolCause(List.of("poll", "jselectors_no_such_symbol")))
                .isEqualTo("the C library has no symbol jselectors_no_such_symbol");
        assertThat(AbstractSelectorProvider.missingSymbolCause(List.of("poll", "read"))).isNull();
    }
}
