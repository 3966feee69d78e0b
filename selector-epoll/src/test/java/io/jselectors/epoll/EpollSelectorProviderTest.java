package io.jselectors.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.posix.Platform;
import io.jselectors.selector.BackendInfo;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.SelectorProvider;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The provider: found by ServiceLoader, the default on Linux, and says why it is unavailable. */
class EpollSelectorProviderTest {

    @Test
    void isRegisteredWithServiceLoader() {
        assertThat(ServiceLoader.load(SelectorProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(EpollSelectorProvider.class);
    }

    @Test
    void hasEventQueuePriorityAndOffersEdgeTriggering() {
        EpollSelectorProvider provider = new EpollSelectorProvider();
        assertThat(provider.name()).isEqualTo("epoll");
        assertThat(provider.priority()).isEqualTo(SelectorProvider.PRIORITY_EVENT_QUEUE);
        assertThat(provider.supportedOptions()).containsExactly(SelectorOption.EDGE_TRIGGERED);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists on Linux only")
    void isTheDefaultSelectorOnLinux() throws Exception {
        assertThat(new EpollSelectorProvider().unavailabilityCause()).isNull();
        assertThat(Selector.available()).contains(new BackendInfo("epoll", SelectorProvider.PRIORITY_EVENT_QUEUE, true, null));
        try (Selector selector = Selector.open()) {
            assertThat(selector.name()).isEqualTo("epoll");
            assertThat(selector).isInstanceOf(EpollSelector.class);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the symbol step is reached only on Linux")
    void aMissingSymbolIsTheReasonAndNothingIsLinkedFirst() {
        // The real probe's path with one name the C library cannot have: the answer must be the
        // reason, and the step that touches Epoll (and links every symbol) must not run at all.
        String cause = EpollSelectorProvider.probe(List.of("epoll_create1", "jselectors_no_such_symbol"), () -> {
            throw new AssertionError("the kernel check ran before the symbols were checked");
        });
        assertThat(cause).isEqualTo("the C library has no symbol jselectors_no_such_symbol");
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the symbol step is reached only on Linux")
    void withEverySymbolPresentTheKernelCheckDecides() {
        assertThat(EpollSelectorProvider.probe(EpollSelectorProvider.SYMBOLS, () -> "kernel said no"))
                .isEqualTo("kernel said no");
    }

    @Test
    void explainsWhyItIsUnavailableElsewhere() {
        assertThat(EpollSelectorProvider.platformCause(Platform.MACOS, true, "Mac OS X", "aarch64"))
                .isEqualTo("epoll is Linux-only (this is macOS)");
        assertThat(EpollSelectorProvider.platformCause(Platform.FREEBSD, true, "FreeBSD", "amd64"))
                .isEqualTo("epoll is Linux-only (this is FreeBSD)");
        assertThat(EpollSelectorProvider.platformCause(Platform.OTHER, true, "SunOS", "sparcv9"))
                .isEqualTo("epoll is Linux-only (this is SunOS)");
        assertThat(EpollSelectorProvider.platformCause(Platform.LINUX, false, "Linux", "riscv64"))
                .contains("struct epoll_event").contains("riscv64");
        assertThat(EpollSelectorProvider.platformCause(Platform.LINUX, true, "Linux", "amd64")).isNull();
    }
}
