package io.jselectors.selector.contract;

import io.jselectors.selector.AbstractSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend with no kernel behind it, for testing the bookkeeping in {@link AbstractSelector}: it
 * records every kernel step, fails the steps a test asks it to, and "reports" the ready fds a test
 * scripts. Takes int fds and {@link io.jselectors.selector.HasFileno} objects; nothing is opened.
 */
final class RecordingSelector extends AbstractSelector {

    /** Kernel steps in order, e.g. {@code "register 5"}, {@code "modify 5 1->2"}. */
    final List<String> calls = new ArrayList<>();
    /** Timeouts passed to each kernelSelect. */
    final List<Long> selectTimeouts = new ArrayList<>();
    /** Thrown by the next kernelRegister, then cleared. */
    Throwable failRegister;
    /** Thrown by the next kernelModify, then cleared. */
    Throwable failModify;
    /** Thrown by every kernelUnregister while set. */
    RuntimeException failUnregister;
    /** How many of the next kernelSelect calls report EINTR. */
    int interrupts;
    /** Pairs of (fd, events) kernelSelect reports, as a kernel would. */
    final List<int[]> ready = new ArrayList<>();

    RecordingSelector() {
        super("recording");
    }

    @Override
    protected void kernelRegister(SelectorKey key) throws IOException {
        calls.add("register " + key.fd());
        Throwable t = failRegister;
        failRegister = null;
        throwIfSet(t);
    }

    @Override
    protected void kernelModify(SelectorKey oldKey, SelectorKey newKey) throws IOException {
        calls.add("modify " + oldKey.fd() + " " + oldKey.events() + "->" + newKey.events());
        Throwable t = failModify;
        failModify = null;
        throwIfSet(t);
    }

    @Override
    protected void kernelUnregister(SelectorKey key) {
        calls.add("unregister " + key.fd() + (keyFor(key.fd()) == null ? "" : " (still in table)"));
        if (failUnregister != null) {
            throw failUnregister;
        }
    }

    @Override
    protected int kernelSelect(long timeoutNanos, ReadyConsumer consumer) {
        selectTimeouts.add(timeoutNanos);
        if (interrupts > 0) {
            interrupts--;
            return -1;
        }
        int n = 0;
        for (int[] r : ready) {
            if (dispatch(r[0], r[1], consumer)) {
                n++;
            }
        }
        return n;
    }

    @Override
    protected void kernelClose() {
        calls.add("close");
    }

    @Override
    public void wakeup() {
        calls.add("wakeup");
    }

    private static void throwIfSet(Throwable t) throws IOException {
        if (t instanceof IOException e) {
            throw e;
        } else if (t instanceof RuntimeException e) {
            throw e;
        } else if (t instanceof Error e) {
            throw e;
        }
    }
}
