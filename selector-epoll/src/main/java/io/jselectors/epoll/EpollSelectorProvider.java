package io.jselectors.epoll;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Platform;
import io.jselectors.selector.AbstractSelectorProvider;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Provides the {@code epoll} backend ({@link EpollSelector}) to {@link Selector#open()}, with
 * event-queue priority, so it is the default on Linux. It supports {@link
 * SelectorOption#EDGE_TRIGGERED}.
 *
 * <p>Anywhere else it reports itself unavailable with the reason: not Linux, a CPU whose {@code
 * struct epoll_event} layout we do not know, a C library without the symbols, or a kernel whose
 * {@code epoll_create1} fails. The probe runs once ({@link AbstractSelectorProvider}).
 *
 * {@snippet :
 * try (Selector selector = Selector.open("epoll", SelectorOption.EDGE_TRIGGERED)) {
 *     // ...
 * }
 * }
 */
public final class EpollSelectorProvider extends AbstractSelectorProvider {

    /**
     * The C symbols {@link Epoll} links when it is initialized. They are listed here, not in {@code
     * Epoll}, so checking them does not initialize the class that links them.
     */
    static final List<String> SYMBOLS = List.of("epoll_create1", "epoll_ctl", "epoll_wait", "eventfd");

    /** Found by {@link java.util.ServiceLoader}; cheap, the checks run on first use. */
    public EpollSelectorProvider() {
        super("epoll", PRIORITY_EVENT_QUEUE);
    }

    @Override
    public Set<SelectorOption> supportedOptions() {
        return EnumSet.of(SelectorOption.EDGE_TRIGGERED);
    }

    @Override
    protected Selector openSelector(Set<SelectorOption> options) throws IOException {
        return new EpollSelector(options.contains(SelectorOption.EDGE_TRIGGERED));
    }

    @Override
    protected String probe() {
        return probe(SYMBOLS, EpollSelectorProvider::kernelCause);
    }

    /**
     * The probe in its order: the OS and CPU, then {@code symbols} by name, and only then {@code
     * kernelCheck}, the first step that touches {@link Epoll} and so links every symbol.
     */
    static String probe(List<String> symbols, Supplier<String> kernelCheck) {
        String cause = platformCause(Platform.current(), Platform.isX86_64() || Platform.isAarch64(),
                System.getProperty("os.name"), Platform.arch());
        if (cause == null) {
            cause = missingSymbolCause(symbols);
        }
        return cause != null ? cause : kernelCheck.get();
    }

    /** Whether the kernel gives us an epoll set: {@code null}, or why not. */
    private static String kernelCause() {
        try {
            Libc.close(Epoll.create());
            return null;
        } catch (ErrnoException e) {
            return "epoll_create1 failed with errno " + e.errno() + " (" + e.errnoName() + ")";
        }
    }

    /**
     * Why epoll cannot work on this OS and CPU before any native call is made, or {@code null}.
     *
     * @param knownLayout whether {@code struct epoll_event}'s layout is known for this CPU
     */
    static String platformCause(Platform platform, boolean knownLayout, String osName, String arch) {
        if (platform != Platform.LINUX) {
            String os = switch (platform) {
                case MACOS -> "macOS";
                case FREEBSD -> "FreeBSD";
                default -> osName;
            };
            return "epoll is Linux-only (this is " + os + ")";
        }
        if (!knownLayout) {
            return "the layout of struct epoll_event is not known for " + arch + " (x86_64 and aarch64 are)";
        }
        return null;
    }
}
