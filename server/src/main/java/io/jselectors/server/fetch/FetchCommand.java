package io.jselectors.server.fetch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import io.jselectors.protocol.http.client.FetchClient;
import io.jselectors.protocol.http.client.FetchOptions;
import io.jselectors.protocol.http.client.FetchResult;
import io.jselectors.protocol.http.client.TlsTrust;
import io.jselectors.server.DurationConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jselectors fetch URL...}: fetches URLs concurrently from one thread with {@link
 * FetchClient} (the HTTP client, module {@code protocols/http-client}) and prints, for each, the
 * status, body size and time, then a summary. Only the command line lives here, next to the other
 * commands and their shared conventions (duration syntax, exit statuses); the client is a library
 * without picocli.
 *
 * <p>Exit status: 0 if every fetch got a complete response, 1 if any failed (refused, unknown
 * host, timeout, bad response; with {@code --fail} also any status of 400 or more), 2 for bad
 * arguments.
 *
 * {@snippet lang=sh :
 * jselectors fetch -c 10 -n 3 --timeout 2s http://127.0.0.1:8080/hello http://127.0.0.1:8080/
 * jselectors fetch --cacert cert.pem https://localhost:8443/hello
 * }
 */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetch http:// and https:// URLs concurrently on one event-loop thread (HTTP/1.1, keep-alive).",
            "Host names are resolved up front, all at once, on helper threads. https trusts the JDK's trust store "
                + "(or --cacert) and verifies host names."},
        footer = {"", "Exit status: 0 all fetched, 1 some failed, 2 bad arguments."})
public final class FetchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "URL", description = "http:// or https:// URLs to fetch.")
    List<String> urls = new ArrayList<>();

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", description = "Fetches in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency = 10;

    @Option(names = {"-n", "--repeat"}, paramLabel = "N", description = "Fetch each URL N times (default: ${DEFAULT-VALUE}).")
    int repeats = 1;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s",
            description = "Limit per fetch, connect to last byte, e.g. 500ms, 10s (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--selector", paramLabel = "NAME", description = "Selector backend (epoll, kqueue, poll, select, nio).")
    String selector;

    @Option(names = {"-f", "--fail"}, description = "Count responses with status 400 or more as failures.")
    boolean failOnErrorStatus;

    @Option(names = {"-q", "--quiet"}, description = "Print only failures and the summary.")
    boolean quiet;

    @Option(names = "--cacert", paramLabel = "FILE", description = "Trust only the certificates in this PEM file "
            + "(repeatable) for https, instead of the JDK's trust store; host names are still verified.")
    List<Path> caFiles = new ArrayList<>();

    @Option(names = {"-k", "--insecure"}, description = "https: accept any certificate for any host (development only).")
    boolean insecure;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FetchOptions options;
        try {
            if (insecure && !caFiles.isEmpty()) {
                throw new IllegalArgumentException("--insecure and --cacert exclude each other");
            }
            TlsTrust trust = insecure ? TlsTrust.insecure() : caFiles.isEmpty() ? TlsTrust.system() : TlsTrust.caFiles(caFiles);
            options = new FetchOptions(concurrency, repeats, timeout, selector, 0, trust);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (insecure) {
            err.println("warning: --insecure: https certificates and host names are not verified");
            err.flush();
        }
        List<FetchResult> results;
        String backend;
        int opened;
        int reused;
        long start = System.nanoTime();
        FetchClient created;
        try {
            created = new FetchClient(options);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cacert: " + e.getMessage());
        }
        try (FetchClient client = created) {
            backend = client.selectorName();
            results = client.run(urls, r -> {
                if (!quiet || failed(r)) {
                    (r.ok() ? out : err).println(line(r));
                    (r.ok() ? out : err).flush();
                }
            });
            opened = client.connectionsOpened();
            reused = client.reuses();
        }
        long elapsed = System.nanoTime() - start;
        out.println(summary(results, elapsed, backend, opened, reused));
        out.flush();
        return results.stream().anyMatch(this::failed) ? 1 : 0;
    }

    private boolean failed(FetchResult r) {
        return !r.ok() || (failOnErrorStatus && r.status() >= 400);
    }

    /** One result: {@code STATUS SIZE TIME URL [error]}. */
    static String line(FetchResult r) {
        String status = r.ok() ? Integer.toString(r.status()) : "ERR";
        String size = r.ok() ? bytes(r.bodyBytes()) : "-";
        String repeat = r.repeat() > 1 ? " #" + r.repeat() : "";
        return String.format(Locale.ROOT, "%-4s %10s %10s  %s%s%s", status, size, millis(r.nanos()), r.url(), repeat,
                r.ok() ? "" : "  " + r.error());
    }

    /** The summary: counts, statuses, timing and connection reuse. */
    static String summary(List<FetchResult> results, long elapsedNanos, String backend, int opened, int reused) {
        long ok = results.stream().filter(FetchResult::ok).count();
        Map<Integer, Integer> statuses = new TreeMap<>();
        long bodyBytes = 0;
        long[] times = new long[(int) ok];
        int t = 0;
        for (FetchResult r : results) {
            if (r.ok()) {
                statuses.merge(r.status(), 1, Integer::sum);
                bodyBytes += r.bodyBytes();
                times[t++] = r.nanos();
            }
        }
        java.util.Arrays.sort(times);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%d fetches in %s on one thread (%s): %d responses, %d failed; %d connections opened, %d requests on a kept-alive one",
                results.size(), millis(elapsedNanos), backend, ok, results.size() - ok, opened, reused));
        if (ok > 0) {
            StringBuilder st = new StringBuilder();
            statuses.forEach((code, n) -> st.append(st.isEmpty() ? "" : ", ").append(code).append(" x").append(n));
            s.append(String.format(Locale.ROOT, "%nstatus %s; %s of bodies; time min %s, median %s, max %s",
                    st, bytes(bodyBytes), millis(times[0]), millis(times[times.length / 2]), millis(times[times.length - 1])));
        }
        return s.toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024.0));
    }
}
