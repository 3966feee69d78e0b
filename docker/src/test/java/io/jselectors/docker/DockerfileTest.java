package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What users get from docker/Dockerfile without an engine to build it: the public default base,
 * a non-root user, the ports, the health check and an exec-form entrypoint (java as PID 1, so
 * {@code docker stop}'s SIGTERM reaches the JVM and not a shell that ignores it).
 */
class DockerfileTest {

    /** The instructions, continuation lines joined and comments dropped. */
    private static List<String> instructions() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Images.dockerDir().resolve("Dockerfile"))) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (!current.toString().isBlank()) {
                out.add(current.toString().strip().replaceAll("\\s+", " "));
            }
            current.setLength(0);
        }
        return out;
    }

    private static String only(String keyword) throws IOException {
        List<String> found = instructions().stream().filter(i -> i.startsWith(keyword + " ")).toList();
        assertThat(found).as(keyword).hasSize(1);
        return found.get(0).substring(keyword.length() + 1);
    }

    @Test
    void baseIsABuildArgumentDefaultingToAPublicJre() throws IOException {
        assertThat(instructions().get(0)).isEqualTo("ARG BASE_IMAGE=" + Images.PUBLIC_BASE);
        assertThat(only("FROM")).isEqualTo("${BASE_IMAGE}");
    }

    @Test
    void runsAsANonRootUserWithExecFormEntrypoint() throws IOException {
        assertThat(only("USER")).matches("[1-9][0-9]*:[1-9][0-9]*");
        String entrypoint = only("ENTRYPOINT");
        assertThat(entrypoint).startsWith("[\"java\", ").contains("\"--enable-native-access=ALL-UNNAMED\"")
                .endsWith("\"-jar\", \"/opt/jselectors/jselectors.jar\"]");
        assertThat(only("CMD")).isEqualTo("[\"serve\"]");
        assertThat(only("STOPSIGNAL")).isEqualTo("SIGTERM");
    }

    @Test
    void exposesEveryListenerAndChecksHealthz() throws IOException {
        assertThat(only("EXPOSE")).isEqualTo("7000 7001 8080 9100");
        assertThat(only("HEALTHCHECK")).contains("CMD ").contains("/healthz").contains("${JSELECTORS_ADMIN##*:}");
        assertThat(only("ENV")).contains("JSELECTORS_HOST=0.0.0.0").contains("JSELECTORS_ADMIN=0.0.0.0:9100");
    }

    /**
     * The AOT cache is made at build by the training run, after JAVA_TOOL_OPTIONS is set (a cache
     * made with other flags is refused at start), from the jar the entrypoint runs, and the
     * entrypoint names that same file.
     */
    @Test
    void trainsTheAotCacheWithTheImagesFlagsAndRunsWithIt() throws IOException {
        List<String> all = instructions();
        String run = only("RUN");
        String cache = "/opt/jselectors/jselectors.aot";
        assertThat(run).contains("\"-XX:AOTCacheOutput=" + cache + "\"")
                .contains("\"-jar\", \"/opt/jselectors/jselectors.jar\", \"train\"]");
        assertThat(all.indexOf("RUN " + run)).as("RUN after ENV and COPY")
                .isGreaterThan(all.indexOf("ENV " + only("ENV")))
                .isGreaterThan(all.indexOf("COPY " + only("COPY")));
        assertThat(only("ENTRYPOINT")).contains("\"-XX:AOTCache=" + cache + "\"");
    }

    /**
     * The image runs with the launcher's memory flags (.mvn/jvm-options.sh), the heap's bound aside:
     * the launcher's is absolute, the image's a share of the container's limit. MALLOC_ARENA_MAX too.
     */
    @Test
    void runsWithTheLaunchersMemoryFlags() throws IOException {
        List<String> launcher = new ArrayList<>();
        boolean inList = false;
        for (String line : Files.readAllLines(Images.repositoryDir().resolve(".mvn/jvm-options.sh"))) {
            String flag = line.strip().replace("'", ""); // quoted where bash would glob
            if (flag.startsWith("JSELECTORS_JVM_OPTIONS=(")) {
                inList = true;
            } else if (inList && flag.equals(")")) {
                inList = false;
            } else if (inList && flag.startsWith("-")) {
                launcher.add(flag);
            }
        }
        assertThat(launcher).as("the launcher's flags").contains("-XX:+UseSerialGC", "-Xmx64m");
        String env = only("ENV");
        Matcher options = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(env);
        assertThat(options.find()).as("JAVA_TOOL_OPTIONS in %s", env).isTrue();
        List<String> image = List.of(options.group(1).strip().split("\\s+"));
        // Both percentages: below ~200 MiB the JVM takes MinRAMPercentage (default 50) and ignores the other.
        List<String> expected = new ArrayList<>(launcher);
        expected.remove("-Xmx64m");
        expected.addAll(List.of("-XX:MinRAMPercentage=25", "-XX:MaxRAMPercentage=25"));
        assertThat(image).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(env).contains("MALLOC_ARENA_MAX=2");
    }
}
