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
    void composeRunsTheServerAndPrometheusWithGrafanaInItsProfile() throws IOException {
        Map<String, Object> services = map(yaml("compose.yaml").get("services"));
        assertThat(services).containsOnlyKeys("jselectors", "prometheus", "grafana");

        Map<String, Object> server = map(services.get("jselectors"));
        Map<String, Object> build = map(server.get("build"));
        Path context = DIR.resolve((String) build.get("context")).normalize();
        assertThat(context).isEqualTo(Images.repositoryDir());
        assertThat(context.resolve((String) build.get("dockerfile")).normalize()).isEqualTo(DIR.resolve("Dockerfile"));
        // Without anything set, the stack runs on the images docker/setup.sh builds: nothing to pull.
        assertThat(map(build.get("args"))).containsEntry("BASE_IMAGE", "${BASE_IMAGE:-" + Images.LOCAL_BASE + "}");
        assertThat(map(services.get("prometheus")).get("image"))
                .isEqualTo("${PROMETHEUS_IMAGE:-" + ComposeStackTest.LOCAL_PROMETHEUS + "}");
        // Grafana, the one public image, starts only when its profile is asked for.
        assertThat(list(map(services.get("grafana")).get("profiles"))).containsExactly("grafana");
        assertThat(map(services.get("jselectors"))).doesNotContainKey("profiles");
        assertThat(map(services.get("prometheus"))).doesNotContainKey("profiles");

        assertThat(list(server.get("ports"))).containsExactly(
                "${SERVICE_BIND:-0.0.0.0}:${ECHO_PORT-7000}:7000",
                "${SERVICE_BIND:-0.0.0.0}:${CHAT_PORT-7001}:7001",
                "${SERVICE_BIND:-0.0.0.0}:${HTTP_PORT-8080}:8080",
                "${ADMIN_BIND:-127.0.0.1}:${METRICS_PORT-9100}:9100");
        assertThat(list(map(services.get("prometheus")).get("ports"))).containsExactly(
                "${ADMIN_BIND:-127.0.0.1}:${PROMETHEUS_PORT-9090}:9090");
        assertThat(list(map(services.get("grafana")).get("ports"))).containsExactly(
                "${ADMIN_BIND:-127.0.0.1}:${GRAFANA_PORT-3000}:3000");

        for (String service : List.of("prometheus", "grafana")) {
            for (Object volume : list(map(services.get(service)).get("volumes"))) {
                String host = ((String) volume).split(":")[0];
                assertThat(DIR.resolve(host)).as(service + " mounts " + host).exists();
            }
        }
    }

    @Test
    void buildContextHoldsOnlyTheServerJar() throws IOException {
        List<String> rules = Files.readAllLines(Images.repositoryDir().resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(rules).containsExactly("*", "!docker/Dockerfile", "!server/target/jselectors.jar");
        assertThat(Files.readString(DIR.resolve("Dockerfile")))
                .contains("COPY server/target/jselectors.jar /opt/jselectors/jselectors.jar");
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
