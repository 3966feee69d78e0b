package io.jselectors.kqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The GitHub Actions workflow is the only place the kqueue contract suite meets a real kernel, so
 * a broken workflow would hide a broken backend: check that it parses and runs {@code ./mvnw -B
 * verify} on Linux and macOS with Temurin 25.
 */
class CiWorkflowTest {

    // Surefire runs with the module directory as working directory.
    private static final Path WORKFLOW = Path.of("..", ".github", "workflows", "ci.yml");

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> load() throws IOException {
        try (Reader in = Files.newBufferedReader(WORKFLOW)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            assertThat(doc).as("top level of ci.yml").isInstanceOf(Map.class);
            return (Map<Object, Object>) doc;
        }
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
    void runsOnPushAndPullRequest() throws IOException {
        Map<Object, Object> doc = load();
        // YAML 1.1 (SnakeYAML) reads the bare key `on` as the boolean true; GitHub reads it as "on".
        Object on = doc.containsKey("on") ? doc.get("on") : doc.get(Boolean.TRUE);
        assertThat(map(on)).containsKeys("push", "pull_request");
    }

    @Test
    void verifiesOnUbuntuAndMacosWithTemurin25() throws IOException {
        Map<String, Object> jobs = map(load().get("jobs"));
        assertThat(jobs).isNotEmpty();
        Map<String, Object> job = map(jobs.get("verify"));
        Map<String, Object> matrix = map(map(job.get("strategy")).get("matrix"));
        assertThat(list(matrix.get("os"))).contains("ubuntu-latest", "macos-latest");
        assertThat(job.get("runs-on")).isEqualTo("${{ matrix.os }}");

        List<Map<String, Object>> steps = list(job.get("steps")).stream().map(CiWorkflowTest::map).toList();
        Map<String, Object> java = steps.stream()
                .filter(s -> String.valueOf(s.get("uses")).startsWith("actions/setup-java@"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no actions/setup-java step"));
        Map<String, Object> with = map(java.get("with"));
        assertThat(with.get("distribution")).isEqualTo("temurin");
        assertThat(String.valueOf(with.get("java-version"))).isEqualTo("25");

        assertThat(steps).anySatisfy(s -> assertThat(String.valueOf(s.get("run"))).contains("./mvnw -B verify"));
        int checkout = indexOf(steps, "actions/checkout@");
        int setupJava = steps.indexOf(java);
        int verify = steps.indexOf(steps.stream()
                .filter(s -> String.valueOf(s.get("run")).contains("./mvnw -B verify")).findFirst().orElseThrow());
        assertThat(checkout).as("checkout before setup-java before verify").isLessThan(setupJava);
        assertThat(setupJava).isLessThan(verify);
    }

    private static int indexOf(List<Map<String, Object>> steps, String usesPrefix) {
        for (int i = 0; i < steps.size(); i++) {
            if (String.valueOf(steps.get(i).get("uses")).startsWith(usesPrefix)) {
                return i;
            }
        }
        throw new AssertionError("no step uses " + usesPrefix);
    }
}
