package io.jselectors.epoll;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.SelectorProvider;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Provides the {@code epoll} backend ({@link EpollSelector}) to {@link Selector#open()}, with
 * event-queue priority, so it is the default on Linux. It supports {@link
 * SelectorOption#EDGE_TRIGGERED}.
 *
 * <p>Anywhere else it reports itself unavailable with the reason: not Linux, a CPU whose {@code
 * struct epoll_event} layout we do not know, a C library without the symbols, or a kernel whose
 * {@code epoll_create1} fails.
 *
 * {@snippet :
 * try (Selector selector = Selector.open("epoll", SelectorOption.EDGE_TRIGGERED)) {
 *     // ...
 * }
 * }
 */
public final class EpollSelectorProvider implements SelectorProvider {

    /** Found by {@link java.util.ServiceLoader}; cheap, the checks run on first use. */
    public EpollSelectorProvider() {}

    // Probed once per JVM: the answer cannot change while the process runs.
    private static final class Probe {
        static final String CAUSE = probe();
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public int priority() {
        return PRIORITY_EVENT_QUEUE;
    }

    @Override
    public String unavailabilityCause() {
        return Probe.CAUSE;
    }

    @Override
    public Set<SelectorOption> supportedOptions() {
        return EnumSet.of(SelectorOption.EDGE_TRIGGERED);
    }

    @Override
    public Selector open(Set<SelectorOption> options) throws IOException {
        return new EpollSelector(options.contains(SelectorOption.EDGE_TRIGGERED));
    }

    private static String probe() {
        String cause = platformCause(Platform.current(), Platform.isX86_64() || Platform.isAarch64(),
                System.getProperty("os.name"), Platform.arch());
        if (cause != null) {
            return cause;
        }
        // Check the symbols before Epoll links them, so a missing one is a reason, not an error.
        for (String symbol : Epoll.SYMBOLS) {
            if (Native.find(symbol).isEmpty()) {
                return "the C library has no " + symbol;
            }
        }
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
