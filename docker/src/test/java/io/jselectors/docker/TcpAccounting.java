package io.jselectors.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel memory a container's sockets hold, which cgroup v2 charges to the container and cgroup
 * v1 counts only once TCP accounting is switched on for its memory cgroup (by writing a TCP limit).
 * Tests that bound a container's memory switch it on from the host (as root) right after the
 * container starts, before the connections they make, so a v1 host checks what a v2 host enforces.
 * On v2, or where the host's cgroup directory cannot be found or written, it says why and counts
 * nothing: the container's own peak already includes the sockets there.
 */
final class TcpAccounting {

    /** Where Docker puts a container's v1 memory cgroup: cgroupfs driver, then systemd driver. */
    private static final List<String> V1_LAYOUTS = List.of(
            "/sys/fs/cgroup/memory/docker/%s", "/sys/fs/cgroup/memory/system.slice/docker-%s.scope");

    /** A TCP limit far above any container we start: writing it only switches the counting on. */
    private static final String ACCOUNT_ONLY = Long.toString(1L << 40);

    private final Path cgroup;
    private final String reason;

    private TcpAccounting(Path cgroup, String reason) {
        this.cgroup = cgroup;
        this.reason = reason;
    }

    /** Switches TCP accounting on for the container's v1 memory cgroup, where there is one. */
    static TcpAccounting switchOn(String containerId) {
        if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            return new TcpAccounting(null, "cgroup v2: already in the container's peak");
        }
        for (String layout : V1_LAYOUTS) {
            Path dir = Path.of(layout.formatted(containerId));
            Path limit = dir.resolve("memory.kmem.tcp.limit_in_bytes");
            if (Files.exists(limit)) {
                try {
                    Files.writeString(limit, ACCOUNT_ONLY);
                    return new TcpAccounting(dir, "cgroup v1, TCP accounting switched on in " + dir);
                } catch (IOException e) {
                    return new TcpAccounting(null, "cgroup v1, but TCP accounting could not be switched on: " + e);
                }
            }
        }
        return new TcpAccounting(null, "cgroup v1, but no memory cgroup of the container found at " + V1_LAYOUTS);
    }

    /** How the counting was set up (or why it was not). */
    String describe() {
        return reason;
    }

    /** The sockets' peak in MiB for the log, or why there is none. */
    String peakDescription() {
        return read("memory.kmem.tcp.max_usage_in_bytes").map(b -> (b >> 20) + " MiB").orElse("not counted (" + reason + ")");
    }

    /** The container's memory peak plus its sockets' peak, MiB, where both were counted (v1). */
    Optional<Long> peakWithSockets() {
        Optional<Long> memory = read("memory.max_usage_in_bytes");
        Optional<Long> tcp = read("memory.kmem.tcp.max_usage_in_bytes");
        return memory.isPresent() && tcp.isPresent() ? Optional.of((memory.get() + tcp.get()) >> 20) : Optional.empty();
    }

    private Optional<Long> read(String file) {
        if (cgroup == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(cgroup.resolve(file)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
