package io.jselectors.server.metrics;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.http.HttpListenerState;
import io.jselectors.protocol.http.HttpProtocol;
import io.jselectors.protocol.http.HttpRequest;
import io.jselectors.protocol.http.HttpResponse;
import java.util.function.BooleanSupplier;

/**
 * The admin listener's protocol: our own {@link HttpProtocol}, serving
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

    private final HttpProtocol http = new HttpProtocol();
    private final ServerMetrics metrics;
    private final BooleanSupplier healthy;

    /**
     * @param metrics what {@code /metrics} shows
     * @param healthy whether {@code /healthz} answers 200 (read from the admin loop on each request)
     */
    public AdminProtocol(ServerMetrics metrics, BooleanSupplier healthy) {
        this.metrics = metrics;
        this.healthy = healthy;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int defaultPort() {
        return 9100;
    }

    @Override
    public String description() {
        return "admin HTTP: /metrics (Prometheus), /healthz";
    }

    @Override
    public Object createSharedState(ListenerContext listener) {
        HttpListenerState state = (HttpListenerState) http.createSharedState(listener);
        // The admin listener serves only its own paths: no benchmark route, no home page of the
        // public listener.
        state.routes().remove("/hello");
        state.routes().add("/", request -> INDEX);
        state.routes().add("/healthz", request -> healthy.getAsBoolean() ? HEALTHY : DRAINING);
        state.routes().add("/metrics", this::scrape);
        return state;
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
