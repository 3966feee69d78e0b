package io.jselectors.server.metrics;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.http.HttpProtocol;
import io.jselectors.protocol.http.HttpRequest;
import io.jselectors.protocol.http.HttpResponse;
import io.jselectors.protocol.http.HttpRoutes;
import java.util.function.BooleanSupplier;

/**
 * The admin listener's protocol: our own HTTP/1.1 through its embedding API ({@link
 * HttpProtocol#embedded}: the parser, limits and meters of the public listener, none of its pages),
 * serving only
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter, in Prometheus text format 0.0.4, or OpenMetrics 1.0 when
 *       the {@code Accept} header asks for {@code application/openmetrics-text} (as Prometheus
 *       does); rendered by the registry, see {@link ServerMetrics#scrape};
 *   <li>{@code GET /healthz}: {@code 200 ok} while the server serves, {@code 503 shutting down}
 *       once it drains, so a load balancer stops sending traffic;
 *   <li>{@code GET /}: a short index of the two.
 * </ul>
 *
 * <p>It runs on a listener of its own loops (a second, one-worker server), so a scrape, which
 * walks every meter and allocates, never delays a worker loop of the main server. It is not a
 * {@link java.util.ServiceLoader} plugin: the server builds it with the registry.
 *
 * {@snippet :
 * Protocols admin = new Protocols();
 * admin.add(new AdminProtocol(metrics, () -> !draining));
 * Server.start(adminSettings, admin, metrics.registry());
 * }
 */
public final class AdminProtocol implements Protocol {

    /** The protocol name, as it appears in logs and in the {@code protocol} tag. */
    public static final String NAME = "admin";

    /** The port the admin listener takes when none is given: Prometheus' own exporters sit around 9100. */
    public static final int DEFAULT_PORT = 9100;

    private static final HttpResponse INDEX = HttpResponse.of(200, "text/html; charset=utf-8", """
            <!doctype html>
            <html><head><title>jselectors admin</title></head><body>
            <h1>jselectors admin</h1>
            <ul><li><a href="/metrics">/metrics</a> (Prometheus)</li><li><a href="/healthz">/healthz</a></li></ul>
            </body></html>
            """.getBytes(java.nio.charset.StandardCharsets.UTF_8)).freeze();
    private static final HttpResponse HEALTHY = HttpResponse.text(200, "ok\n").header("Cache-Control", "no-store")
            .freeze();
    private static final HttpResponse DRAINING = HttpResponse.text(503, "shutting down\n")
            .header("Cache-Control", "no-store").freeze();

    private final HttpProtocol http;
    private final ServerMetrics metrics;
    private final BooleanSupplier healthy;

    /**
     * @param metrics what {@code /metrics} shows
     * @param healthy whether {@code /healthz} answers 200 (read from the admin loop on each request)
     */
    public AdminProtocol(ServerMetrics metrics, BooleanSupplier healthy) {
        this.metrics = metrics;
        this.healthy = healthy;
        this.http = HttpProtocol.embedded(NAME, DEFAULT_PORT, "admin HTTP: /metrics (Prometheus), /healthz", this::addRoutes);
    }

    private void addRoutes(HttpRoutes routes) {
        routes.add("/", request -> INDEX);
        routes.add("/healthz", request -> healthy.getAsBoolean() ? HEALTHY : DRAINING);
        routes.add("/metrics", this::scrape);
    }

    @Override
    public String name() {
        return http.name();
    }

    @Override
    public int defaultPort() {
        return http.defaultPort();
    }

    @Override
    public String description() {
        return http.description();
    }

    @Override
    public Object createSharedState(ListenerContext listener) {
        return http.createSharedState(listener);
    }

    @Override
    public ProtocolHandler newHandler(ListenerContext listener) {
        return http.newHandler(listener);
    }

    private HttpResponse scrape(HttpRequest request) {
        ServerMetrics.Exposition e = metrics.scrape(request.header("Accept"));
        return HttpResponse.of(200, e.contentType(), e.body()).header("Cache-Control", "no-store");
    }
}
