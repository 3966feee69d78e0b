package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The compose stack's files parse and agree with each other: what Prometheus scrapes is the service
 * and admin port compose runs, what Grafana queries is that Prometheus, and every file compose mounts
 * or builds from exists. No engine is needed, so this runs everywhere.
 */
class ComposeFilesTest {

    private static final Path DIR = Images.dockerDir();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String file) throws IOException {
        Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
        Object doc = parser.load(Files.readString(DIR.resolve(file)));
        assertThat(doc).as(file).isInstanceOf(Map.class);
        return (Map<String, Object>) doc;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    @Test
    void composeRunsTheServerPrometheusAndGrafana() throws IOException {
        Map<String, Object> services = map(yaml("compose.yaml").get("services"));
        assertThat(services).containsOnlyKeys("jselectors", "prometheus", "grafana");

        Map<String, Object> server = map(services.get("jselectors"));
        Map<String, Object> build = map(server.get("build"));
        Path context = DIR.resolve((String) build.get("context")).normalize();
        assertThat(context).isEqualTo(DIR.getParent().resolve("server/target"));
        assertThat(context.resolve((String) build.get("dockerfile")).normalize()).isEqualTo(DIR.resolve("Dockerfile"));
        assertThat(map(build.get("args"))).containsKey("BASE_IMAGE");
        assertThat(list(server.get("ports"))).contains("7000:7000", "7001:7001", "8080:8080", "9100:9100");

        for (String service : List.of("prometheus", "grafana")) {
            for (Object volume : list(map(services.get(service)).get("volumes"))) {
                String host = ((String) volume).split(":")[0];
                assertThat(DIR.resolve(host)).as(service + " mounts " + host).exists();
            }
        }
    }

    @Test
    void prometheusScrapesTheAdminListener() throws IOException {
        List<Object> jobs = list(yaml("prometheus.yml").get("scrape_configs"));
        assertThat(jobs).hasSize(1);
        Map<String, Object> job = map(jobs.get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/metrics");
        Map<String, Object> targets = map(list(job.get("static_configs")).get(0));
        assertThat(list(targets.get("targets"))).containsExactly("jselectors:9100");
        // Port 9100 is the one the image's admin listener binds and exposes.
        assertThat(Files.readString(DIR.resolve("Dockerfile"))).contains("JSELECTORS_ADMIN=0.0.0.0:9100");
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboard() throws IOException {
        Map<String, Object> source = map(list(yaml("grafana/provisioning/datasources/prometheus.yaml").get("datasources")).get(0));
        assertThat(source).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");

        Map<String, Object> provider = map(list(yaml("grafana/provisioning/dashboards/jselectors.yaml").get("providers")).get(0));
        assertThat(map(provider.get("options"))).containsEntry("path", "/var/lib/grafana/dashboards");

        // JSON is YAML, so the same parser reads the dashboard.
        Map<String, Object> dashboard = yaml("grafana/dashboards/jselectors.json");
        List<Object> panels = list(dashboard.get("panels"));
        assertThat(panels).isNotEmpty();
        // Panels name no data source uid: they use the DS_PROMETHEUS variable, which picks the
        // provisioned default (server's DashboardTest checks the rest of the dashboard).
        assertThat(source).containsEntry("isDefault", true);
        for (Object p : panels) {
            Map<String, Object> panel = map(p);
            if (panel.containsKey("datasource")) {
                assertThat(map(panel.get("datasource"))).containsEntry("uid", "${DS_PROMETHEUS}");
            }
        }
        assertThat(ServerContainerTest.dashboardMetricNames()).contains(
                "jselectors_connections_active", "jselectors_connections_accepted_total");
    }
}
