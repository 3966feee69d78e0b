package io.jselectors.selector.contract;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test or class was skipped. Surefire counts a skipped test (a failed assumption, a
 * disabled class) but does not show the reason, and a skip nobody can explain looks like a hole in
 * the suite: with this, the build log says "backend takes no raw int fds; ..." next to each of nio's
 * int-fd skips, and "kqueue exists only on macOS and FreeBSD" next to the 0-run kqueue suite.
 *
 * <p>Registered through {@code META-INF/services} in this module's test resources, which travel in
 * the test-jar, so every backend module that runs the contract suite prints its skips too.
 */
public final class SkipReasonPrinter implements TestExecutionListener {

    /** Created by the JUnit Platform launcher. */
    public SkipReasonPrinter() {}

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            // A failed assumption: the test started, then stepped aside with its reason.
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("no reason given");
            print(test, reason);
        }
    }

    /** "[SKIPPED] NioSelectorContractTest.intFdAndItsObjectFindTheSameKey(): why". */
    private static void print(TestIdentifier test, String reason) {
        String owner = test.getUniqueIdObject().getSegments().stream()
                .filter(s -> s.getType().equals("class") || s.getType().equals("nested-class"))
                .map(s -> s.getValue().substring(s.getValue().lastIndexOf('.') + 1))
                .reduce((outer, inner) -> outer + "." + inner)
                .orElse("");
        String name = test.isContainer() || owner.isEmpty() ? test.getLegacyReportingName()
                : owner + "." + test.getLegacyReportingName();
        System.out.println("[SKIPPED] " + name + ": " + reason);
    }
}
