package io.jselectors.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PruneType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The Docker side of the tests: whether an engine answers, which base image to build on, building
 * the image from docker/Dockerfile and the freshly built server jar, and one-shot runs of it.
 */
final class Images {

    /** The image docker/setup.sh builds where nothing can be pulled. */
    static final String LOCAL_BASE = "jselectors/base:local";
    /** The Dockerfile's default base, used when it happens to be present locally. */
    static final String PUBLIC_BASE = "eclipse-temurin:25-jre";
    /**
     * The tag the tests build and run: system property {@code jselectors.image}, else the name
     * setup.sh gives ({@code JSELECTORS_IMAGE} there), so both leave one current image. A private tag
     * keeps one checkout's runs from replacing the image another checkout's tests are using.
     */
    static final String TAG = System.getProperty("jselectors.image", "jselectors:local");

    private Images() {
    }

    static Path dockerDir() {
        return Path.of(System.getProperty("jselectors.docker.dir", ".")).toAbsolutePath();
    }

    static Path repositoryDir() {
        return dockerDir().getParent();
    }

    static Path serverJar() {
        return Path.of(System.getProperty("jselectors.jar", "../server/target/jselectors.jar")).toAbsolutePath();
    }

    /** Skips the calling test (or class, from a @BeforeAll) unless {@code condition}, saying why. */
    static void require(boolean condition, String reason) {
        if (!condition) {
            System.out.println("SKIPPED: " + reason);
        }
        Assumptions.assumeTrue(condition, reason);
    }

    static void requireJar() {
        require(Files.isRegularFile(serverJar()), "no server jar at " + serverJar()
                + ": build it first (./mvnw -pl server -am package -DskipTests; the reactor builds server before docker)");
    }

    static void requireEngine() {
        String why = "";
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
            why = " (" + e + ")";
        }
        require(available, "no Docker engine answers" + why + ": run docker/setup.sh (as root) to install and start one");
    }

    static boolean imageExists(String name) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The base to build on: $JSELECTORS_BASE_IMAGE, else the local base, else the public one if present. */
    static String baseImage() {
        String chosen = System.getenv("JSELECTORS_BASE_IMAGE");
        if (chosen != null && !chosen.isBlank()) {
            require(imageExists(chosen), "JSELECTORS_BASE_IMAGE=" + chosen + " is not in the local image store");
            return chosen;
        }
        if (imageExists(LOCAL_BASE)) {
            return LOCAL_BASE;
        }
        require(imageExists(PUBLIC_BASE), "neither " + LOCAL_BASE + " nor " + PUBLIC_BASE
                + " is in the local image store and none can be pulled here: run docker/setup.sh");
        return PUBLIC_BASE;
    }

    /**
     * Builds {@link #TAG} from docker/Dockerfile and the current server jar, exactly as
     * {@code docker build -f docker/Dockerfile .} does from the repository: the context is a
     * directory with the repository's layout that holds the Dockerfile, the .dockerignore and the
     * jar, so the build sees what the .dockerignore lets through and nothing else.
     */
    static String build(String base) throws IOException {
        Path context = Path.of(System.getProperty("jselectors.docker.context", "target/image-context"));
        Path jar = context.resolve("server/target/jselectors.jar");
        Files.createDirectories(context.resolve("docker"));
        Files.createDirectories(jar.getParent());
        Files.copy(dockerDir().resolve("Dockerfile"), context.resolve("docker/Dockerfile"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(repositoryDir().resolve(".dockerignore"), context.resolve(".dockerignore"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(serverJar(), jar, StandardCopyOption.REPLACE_EXISTING);
        DockerClient client = DockerClientFactory.instance().client();
        return client.buildImageCmd()
                .withBaseDirectory(context.toFile())
                .withDockerfile(context.resolve("docker/Dockerfile").toFile())
                .withBuildArg("BASE_IMAGE", base)
                .withTags(Set.of(TAG))
                .withPull(false)
                .exec(new Logged())
                .awaitImageId(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** How long a build may take: the AOT cache's training run is ~20-45 s of it on a loaded 2-core machine. */
    private static final long BUILD_TIMEOUT_SECONDS = 300;

    /** Prints the build's output as it comes, so that a failed RUN (the training) says why in the test log. */
    private static final class Logged extends BuildImageResultCallback {
        @Override
        public void onNext(com.github.dockerjava.api.model.BuildResponseItem item) {
            if (item.getStream() != null && !item.getStream().isBlank()) {
                System.out.print(item.getStream());
            }
            super.onNext(item);
        }
    }

    /**
     * Removes the untagged images a rebuild left behind, only those built on the local base (its
     * label): with the vfs storage driver each one is a full copy of the image on disk.
     */
    static void pruneSuperseded() {
        try {
            DockerClientFactory.instance().client().pruneCmd(PruneType.IMAGES)
                    .withDangling(true).withLabelFilter("io.jselectors.base.inputs").exec();
        } catch (RuntimeException e) {
            System.out.println("pruning superseded images: " + e);
        }
    }

    /** Runs the image once with {@code args} (no network), and returns what it printed. */
    static String runOnce(String... args) {
        try (GenericContainer<?> once = new GenericContainer<>(DockerImageName.parse(TAG))
                .withNetworkMode("none")
                .withCommand(args)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            once.start();
            return once.getLogs();
        }
    }
}
