package io.jselectors.kqueue;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test or class was skipped. Surefire counts a disabled class's tests as skipped but
 * does not show the reason, and a skip nobody can explain looks like a hole in the test suite:
 * here the build log says "kqueue exists only on macOS and FreeBSD" next to the 0-run contract
 * suite. Registered through {@code META-INF/services}, for this module's tests only.
 */
public final class SkipReasonPrinter implements TestExecutionListener {

    /** Created by the JUnit Platform launcher. */
    public SkipReasonPrinter() {}

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        System.out.println("[SKIPPED] " + test.getLegacyReportingName() + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        // Only skips are reported; results are Surefire's job.
    }
}
