package io.jselectors.selector;

import io.jselectors.posix.Native;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The provider every backend extends: its name and priority, and a probe that runs once.
 *
 * <p>{@link #probe()} answers "can this backend work here, and if not, why" the first time anyone
 * asks; the answer (availability and reason together) is kept, since it cannot change while the
 * process runs. A probe that throws is a reason too ("probe failed: ..."), never an error at the
 * caller's {@link Selector#open()}. {@link #open} refuses with that reason when the backend is not
 * available, then calls {@link #openSelector}.
 *
 * <p>A probe must check the platform and the C library's symbols <em>before</em> it touches the
 * class that links them (see {@link io.jselectors.posix.Native#firstMissing}): linking happens in a
 * static initializer, where a missing symbol is an {@link ExceptionInInitializerError}, not a reason.
 *
 {@snippet :
 * public final class PollSelectorProvider extends AbstractSelectorProvider {
 *     public PollSelectorProvider() { super("poll", PRIORITY_POLL); }
 *     @Override protected String probe() { return missingSymbolCause(List.of("poll")); }
 *     @Override protected Selector openSelector(Set<SelectorOption> options) throws IOException {
 *         return new PollSelector();
 *     }
 * }
 * }
 */
public abstract class AbstractSelectorProvider implements SelectorProvider {

    /** The probe's answer: {@code cause} is {@code null} when available. */
    private record Probe(String cause) {}

    private final String name;
    private final int priority;
    private volatile Probe probe;

    /** A provider of backend {@code name} with {@code priority} (a {@code PRIORITY_} constant). */
    protected AbstractSelectorProvider(String name, int priority) {
        this.name = name;
        this.priority = priority;
    }

    /**
     * Why this backend cannot work here, or {@code null}; called at most once per provider. Checks
     * the OS and the symbols before anything links native code.
     */
    protected abstract String probe();

    /** Opens the selector; only called once the probe found the backend available. */
    protected abstract Selector openSelector(Set<SelectorOption> options) throws IOException;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    /** The probe's reason, computed on the first call and kept. */
    @Override
    public final String unavailabilityCause() {
        Probe p = probe;
        if (p == null) {
            synchronized (this) {
                p = probe;
                if (p == null) {
                    p = new Probe(runProbe());
                    probe = p;
                }
            }
        }
        return p.cause();
    }

    /** Whether the backend works here: {@link #unavailabilityCause()} is {@code null}. */
    public final boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Opens a selector of this backend.
     *
     * @throws IllegalStateException naming the reason, where the backend is not available
     */
    @Override
    public final Selector open(Set<SelectorOption> options) throws IOException {
        String cause = unavailabilityCause();
        if (cause != null) {
            throw new IllegalStateException(name + " selector is not available: " + cause);
        }
        return openSelector(options);
    }

    /**
     * The reason for the first of {@code symbols} the C library lacks ({@code "the C library has no
     * symbol epoll_wait"}), or {@code null} when all exist. Looks the names up; links nothing.
     */
    protected static String missingSymbolCause(List<String> symbols) {
        String missing = Native.firstMissing(symbols);
        return missing == null ? null : "the C library has no symbol " + missing;
    }

    private String runProbe() {
        try {
            return probe();
        } catch (RuntimeException | LinkageError e) {
            return "probe failed: " + e;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
