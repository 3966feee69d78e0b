package io.jselectors.kqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.posix.Platform;
import io.jselectors.selector.BackendInfo;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorProvider;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The provider's registration, name, priority and its reason for being unavailable. */
class KqueueSelectorProviderTest {

    @Test
    void isFoundByServiceLoaderWithTheEventQueuePriority() {
        SelectorProvider provider = ServiceLoader.load(SelectorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof KqueueSelectorProvider)
                .findFirst()
                .orElseThrow();
        assertThat(provider.name()).isEqualTo("kqueue");
        assertThat(provider.priority()).isEqualTo(SelectorProvider.PRIORITY_EVENT_QUEUE);
    }

    @Test
    void saysWhyOnSystemsWithoutKqueue() {
        assertThat(KqueueSelectorProvider.causeOn(Platform.LINUX))
                .isEqualTo("kqueue exists only on macOS and FreeBSD; this is Linux");
        assertThat(KqueueSelectorProvider.causeOn(Platform.OTHER))
                .startsWith("kqueue exists only on macOS and FreeBSD; this is ");
    }

    @Test
    void isAvailableExactlyOnMacosAndFreebsd() {
        String cause = new KqueueSelectorProvider().unavailabilityCause();
        if (Platform.current().isBsd()) {
            assertThat(cause).isNull();
        } else {
            assertThat(cause).startsWith("kqueue exists only on macOS and FreeBSD");
        }
        BackendInfo info = Selector.available().stream()
                .filter(b -> b.name().equals("kqueue"))
                .findFirst()
                .orElseThrow();
        assertThat(info.available()).isEqualTo(Platform.current().isBsd());
        assertThat(info.reason()).isEqualTo(cause);
    }

    @Test
    void refusesToOpenWhereUnavailableWithTheReason() {
        KqueueSelectorProvider provider = new KqueueSelectorProvider();
        if (Platform.current().isBsd()) {
            return; // nothing to refuse here; the contract suite opens it
        }
        assertThatThrownBy(() -> provider.open(Set.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kqueue exists only on macOS and FreeBSD");
        assertThatThrownBy(() -> Selector.open("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kqueue exists only on macOS and FreeBSD");
    }
}
