package io.jselectors.epoll.jmh;

import io.jselectors.selector.BackendInfo;
import io.jselectors.selector.Selector;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints, comma-separated, which of the backends {@link SelectBenchmark} can measure (epoll, poll)
 * are installed and available here, so {@code bench.sh} measures those and skips the rest.
 */
public final class AvailableBackends {

    private AvailableBackends() {}

    /** Prints e.g. {@code epoll,poll}. */
    public static void main(String[] args) {
        List<String> wanted = List.of("epoll", "poll");
        System.out.println(Selector.available().stream()
                .filter(BackendInfo::available)
                .map(BackendInfo::name)
                .filter(wanted::contains)
                .collect(Collectors.joining(",")));
    }
}
