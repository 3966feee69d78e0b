package io.jselectors.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in dist/k8s/, read strictly into fabric8's typed Kubernetes model (the
 * API's own field names and types: a misspelt or misplaced field is an error here, as
 * {@code kubectl apply --validate=strict} makes it), and then checked against each other and
 * against the image: probes on /healthz of the admin port, the Service and the PodMonitor selecting
 * the Deployment's pods, the resources from the memory issue.
 */
class K8sManifestsTest {

    private static final Path K8S = Path.of(System.getProperty("jselectors.dist.dir", ".")).resolve("k8s");
    /** The image's admin listener (docker/Dockerfile: JSELECTORS_ADMIN=0.0.0.0:9100). */
    private static final int ADMIN_PORT = 9100;
    /** The image's non-root user (docker/Dockerfile: USER 10001:10001). */
    private static final long IMAGE_UID = 10001;
    /** The drain the Deployment sets (JSELECTORS_DRAIN_TIMEOUT=8s), which the grace period must exceed. */
    private static final long DRAIN_SECONDS = 8;

    private static final ObjectMapper STRICT = strictMapper();

    /**
     * fabric8's classes keep unknown fields in an "additionalProperties" map (an any-setter);
     * without it, an unknown field fails the read as it would fail a strict API server.
     */
    static ObjectMapper strictMapper() {
        SimpleModule noUnknownFields = new SimpleModule();
        noUnknownFields.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                    BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        return new ObjectMapper(new YAMLFactory()).registerModule(noUnknownFields)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private static <T> T read(String file, Class<T> type) throws IOException {
        return STRICT.readValue(Files.readString(K8S.resolve(file)), type);
    }

    private static Container container() throws IOException {
        List<Container> containers = read("deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, Integer> containerPorts() throws IOException {
        return container().getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
    }

    @Test
    void aMisspeltFieldIsRejected() {
        String typo = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: x
                          livenesProbe: {httpGet: {path: /healthz, port: 9100}}
                """;
        assertThatThrownBy(() -> STRICT.readValue(typo, Deployment.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("livenesProbe");
    }

    @Test
    void deploymentProbesHealthzAndRunsAsTheImageUser() throws IOException {
        Deployment deployment = read("deployment.yaml", Deployment.class);
        assertThat(deployment.getApiVersion()).isEqualTo("apps/v1");
        assertThat(deployment.getKind()).isEqualTo("Deployment");
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

        Container container = container();
        assertThat(container.getImage()).isEqualTo("jselectors:local");
        assertThat(containerPorts()).containsEntry("admin", ADMIN_PORT).containsEntry("echo", 7000)
                .containsEntry("chat", 7001).containsEntry("http", 8080);
        for (Probe probe : List.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe())) {
            assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("admin");
        }
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isEqualTo(IMAGE_UID);
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThan(DRAIN_SECONDS);
        assertThat(container.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("JSELECTORS_DRAIN_TIMEOUT");
            assertThat(env.getValue()).isEqualTo(DRAIN_SECONDS + "s");
        });
    }

    @Test
    void resourcesAreTheMemoryIssuesFigures() throws IOException {
        var resources = container().getResources();
        // Issue #17: a replica that fits in 64 MiB, run with a 128 MiB limit.
        assertThat(Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValueExact()).isEqualTo(96L << 20);
        assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact()).isEqualTo(128L << 20);
        assertThat(resources.getRequests()).containsKey("cpu");
    }

    @Test
    void serviceSelectsThePodsAndLeavesTheAdminPortOut() throws IOException {
        Service service = read("service.yaml", Service.class);
        Map<String, String> podLabels = read("deployment.yaml", Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        Map<String, Integer> ports = containerPorts();
        for (ServicePort port : service.getSpec().getPorts()) {
            assertThat(ports).containsKey(port.getTargetPort().getStrVal());
            assertThat(port.getPort()).isEqualTo(ports.get(port.getTargetPort().getStrVal()));
        }
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("echo", "chat", "http");
    }

    @Test
    void podMonitorScrapesTheAdminPort() throws IOException {
        PodMonitor monitor = read("podmonitor.yaml", PodMonitor.class);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        Map<String, String> podLabels = read("deployment.yaml", Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        List<PodMetricsEndpoint> endpoints = monitor.getSpec().getPodMetricsEndpoints();
        assertThat(endpoints).hasSize(1);
        assertThat(endpoints.get(0).getPort()).isEqualTo("admin");
        assertThat(endpoints.get(0).getPath()).isEqualTo("/metrics");
        assertThat(containerPorts()).containsKey(endpoints.get(0).getPort());
    }
}
