package io.jselectors.selector;

import java.util.Set;

/**
 * Providers that {@link ProvidersTest} installs in an isolated class loader, so they never appear
 * in any other test's {@link Selector#available()}.
 */
public final class TestProviders {

    private TestProviders() {}

    /** A selector with no kernel: enough to tell which provider opened it. */
    static final class Named extends AbstractSelector {
        Named(String name) {
            super(name);
        }

        @Override
        protected void kernelRegister(SelectorKey key) {}

        @Override
        protected void kernelModify(SelectorKey oldKey, SelectorKey newKey) {}

        @Override
        protected void kernelUnregister(SelectorKey key) {}

        @Override
        protected int kernelSelect(long timeoutNanos, ReadyConsumer consumer) {
            return 0;
        }

        @Override
        protected void kernelClose() {}

        @Override
        public void wakeup() {}
    }

    private abstract static class Base implements SelectorProvider {
        private final String name;
        private final int priority;
        private final String cause;

        Base(String name, int priority, String cause) {
            this.name = name;
            this.priority = priority;
            this.cause = cause;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public String unavailabilityCause() {
            return cause;
        }

        @Override
        public Selector open(Set<SelectorOption> options) {
            return new Named(name);
        }
    }

    /** Available, preferred over every real backend. */
    public static final class High extends Base {
        /** For ServiceLoader. */
        public High() {
            super("test-high", 1000, null);
        }

        @Override
        public Set<SelectorOption> supportedOptions() {
            return Set.of(SelectorOption.EDGE_TRIGGERED);
        }
    }

    /** Available, below every real backend. */
    public static final class Low extends Base {
        /** For ServiceLoader. */
        public Low() {
            super("test-low", -5, null);
        }
    }

    /** The best of all, but not available here. */
    public static final class Unavailable extends Base {
        /** For ServiceLoader. */
        public Unavailable() {
            super("test-unavailable", 2000, "needs the test kernel");
        }
    }

    /** Its availability probe throws. */
    public static final class Broken extends Base {
        /** For ServiceLoader. */
        public Broken() {
            super("test-broken", 1500, null);
        }

        @Override
        public String unavailabilityCause() {
            throw new IllegalStateException("probe exploded");
        }
    }
}
