package io.jselectors.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one Grafana dashboard (docker/grafana/dashboards/jselectors.json) imports into any Grafana
 * and filters as it says: the data source is an input and a variable, never a fixed uid; every
 * query of a listener's meters follows the listener variable and leaves the admin listener's own
 * traffic out; the loop panels leave the admin loops out. (MetricsServerTest runs every query on a
 * real Prometheus.)
 */
class DashboardTest {

    static final String PATH = "docker/grafana/dashboards/jselectors.json";

    private static final Pattern EXPR = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern DATASOURCE = Pattern.compile("\"datasource\": \\{([^{}]*(?:\\$\\{[A-Z_]+}[^{}]*)?)}");
    private static final Pattern METRIC = Pattern.compile("\\b((?:jselectors|jvm|process|netty)_[a-z_]+)\\{([^}]*)}");

    /** The dashboard's text. */
    static String json() throws IOException {
        Path file = PrometheusTools.findUp(PATH);
        assertThat(file).as(PATH).isNotNull();
        return Files.readString(file);
    }

    /** Every panel query, unescaped. */
    static List<String> queries(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = EXPR.matcher(json);
        while (m.find()) {
            out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
    }

    @Test
    void dataSourceIsAnImportInputAndAVariableNeverAFixedUid() throws IOException {
        String json = json();
        assertThat(json).contains("\"__inputs\"", "\"name\": \"DS_PROMETHEUS\"", "\"pluginId\": \"prometheus\"");
        // The variable of the same name: a provisioned copy (no import step to fill the input in)
        // resolves ${DS_PROMETHEUS} through it to the default Prometheus.
        assertThat(json).containsPattern("\"name\": \"DS_PROMETHEUS\",\\s*\"label\": \"Data source\",\\s*\"type\": \"datasource\"");
        Matcher m = DATASOURCE.matcher(json);
        int count = 0;
        while (m.find()) {
            assertThat(m.group(1)).contains("\"uid\": \"${DS_PROMETHEUS}\"");
            count++;
        }
        assertThat(count).isGreaterThan(20);
        assertThat(json).doesNotContain("\"uid\": \"prometheus\"");
    }

    @Test
    void listenerQueriesFollowTheListenerVariableAndLeaveTheAdminListenerOut() throws IOException {
        String json = json();
        assertThat(json).contains("\"name\": \"listener\"", "\"name\": \"instance\"");
        List<String> queries = queries(json);
        assertThat(queries).hasSizeGreaterThan(20);
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            assertThat(m.find()).as(query).isTrue();
            m.reset();
            while (m.find()) {
                String name = m.group(1);
                String labels = m.group(2);
                assertThat(labels).as(query).contains("instance=~\"$instance\"");
                if (name.startsWith("jselectors_loop_")) {
                    assertThat(labels).as(query).contains("loop!~\"admin-.*\"");
                } else if (name.startsWith("jselectors_")) {
                    assertThat(labels).as(query).contains("listener=~\"$listener\"", "protocol!=\"admin\"");
                }
            }
        }
    }

    @Test
    void oneDashboardOnly() throws IOException {
        Path dashboards = PrometheusTools.findUp(PATH).getParent();
        try (var files = Files.list(dashboards)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("jselectors.json");
        }
        assertThat(PrometheusTools.findUp("metrics/grafana-dashboard.json")).as("the old second dashboard").isNull();
        Path provisioning = PrometheusTools.findUp("docker/grafana/provisioning/dashboards/jselectors.yaml");
        assertThat(provisioning).content().doesNotContain("dashboards-full", "grafana-dashboard.json")
                .containsOnlyOnce("path: /var/lib/grafana/dashboards");
    }
}
