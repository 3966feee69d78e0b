package io.jselectors.server.metrics;

import java.io.IOException;
import java.util.List;

/** The dashboard's queries for tests in other packages (MetricsServerTest). */
public final class DashboardTestAccess {

    private DashboardTestAccess() {}

    /** Every panel query of the one dashboard. */
    public static List<String> queries() throws IOException {
        return DashboardTest.queries(DashboardTest.json());
    }
}
