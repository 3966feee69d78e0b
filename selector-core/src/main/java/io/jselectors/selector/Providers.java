package io.jselectors.selector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/** Finds the installed backends once, and picks one. */
final class Providers {

    /** System property naming the backend {@link Selector#open()} uses. */
    static final String PROPERTY = "jselectors.selector";

    private record Entry(SelectorProvider provider, String cause) {
        BackendInfo info() {
            return new BackendInfo(provider.name(), provider.priority(), cause == null, cause);
        }
    }

    // Loaded once: asking every provider whether it works costs a few symbol lookups.
    private static final class Holder {
        static final List<Entry> ENTRIES = load();
    }

    private Providers() {}

    private static List<Entry> load() {
        List<Entry> entries = new ArrayList<>();
        for (SelectorProvider p : ServiceLoader.load(SelectorProvider.class, Providers.class.getClassLoader())) {
            String cause;
            try {
                cause = p.unavailabilityCause();
            } catch (RuntimeException | LinkageError e) {
                cause = "probe failed: " + e;
            }
            entries.add(new Entry(p, cause));
        }
        entries.sort(Comparator.comparingInt((Entry e) -> e.provider.priority()).reversed()
                .thenComparing(e -> e.provider.name()));
        return List.copyOf(entries);
    }

    static List<BackendInfo> describe() {
        return Holder.ENTRIES.stream().map(Entry::info).toList();
    }

    static Selector openDefault() throws IOException {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return open(forced.trim());
        }
        for (Entry e : Holder.ENTRIES) {
            if (e.cause == null) {
                return e.provider.open(Set.of());
            }
        }
        throw new IllegalStateException("no selector backend is available here: " + describe());
    }

    static Selector open(String name, SelectorOption... options) throws IOException {
        Entry entry = Holder.ENTRIES.stream()
                .filter(e -> e.provider.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no selector backend named '" + name
                        + "'; installed: " + Holder.ENTRIES.stream().map(e -> e.provider.name())
                                .collect(Collectors.joining(", "))));
        if (entry.cause != null) {
            throw new IllegalArgumentException("selector backend '" + name + "' is not available here: " + entry.cause);
        }
        Set<SelectorOption> wanted = options.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(options));
        for (SelectorOption o : wanted) {
            if (!entry.provider.supportedOptions().contains(o)) {
                throw new UnsupportedOperationException("selector backend '" + name + "' does not support " + o);
            }
        }
        return entry.provider.open(wanted);
    }
}
