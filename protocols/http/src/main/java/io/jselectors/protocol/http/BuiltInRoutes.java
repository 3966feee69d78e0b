package io.jselectors.protocol.http;

import java.nio.charset.StandardCharsets;

/** The routes every HTTP listener has: a home page, the benchmark route and a health check. */
final class BuiltInRoutes {

    /** {@code GET /hello}: the benchmark route, encoded once, so answering it is a copy. */
    static final HttpResponse HELLO = HttpResponse.of(200, "text/plain", "Hello, World!".getBytes(StandardCharsets.US_ASCII)).freeze();

    /** {@code GET /healthz}: the listener's loop answers, so the server is alive. */
    static final HttpResponse HEALTHY = HttpResponse.of(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII)).freeze();

    static final HttpResponse HOME = HttpResponse.of(200, "text/html; charset=utf-8", """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>jselectors</title></head>
            <body>
            <h1>jselectors</h1>
            <p>This is the jselectors HTTP/1.1 server: Python's selectors, done in Java.</p>
            <ul><li><a href="/hello">/hello</a></li><li><a href="/healthz">/healthz</a></li></ul>
            </body>
            </html>
            """.getBytes(StandardCharsets.UTF_8)).freeze();

    private BuiltInRoutes() {}

    /** Adds the routes; {@code /} only if the static root does not have an index page of its own. */
    static void addTo(HttpRoutes routes, boolean rootHasIndex) {
        routes.add("/hello", request -> HELLO);
        routes.add("/healthz", request -> HEALTHY);
        if (!rootHasIndex) {
            routes.add("/", request -> HOME);
        }
    }
}
