package io.jselectors.protocol.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The routes every HTTP listener has: a home page, the benchmark route and a health check. */
final class BuiltInRoutes {

    /** {@code GET /hello}: the benchmark route, encoded once, so answering it is a copy. */
    static final HttpResponse HELLO = HttpResponse.of(200, "text/plain", "Hello, World!".getBytes(StandardCharsets.US_ASCII)).freeze();

    /** {@code GET /healthz}: the listener's loop answers, so the server is alive. */
    static final HttpResponse HEALTHY = HttpResponse.of(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII)).freeze();

    static final HttpResponse HOME = home(List.of());

    private BuiltInRoutes() {}

    /** The home page: what this is, and links to the built-in routes and to {@code pages}. */
    static HttpResponse home(List<PluginEndpoints.Link> pages) {
        StringBuilder links = new StringBuilder();
        for (PluginEndpoints.Link page : pages) {
            links.append("<li><a href=\"").append(escape(page.path())).append("\">").append(escape(page.title())).append("</a></li>");
        }
        String html = """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>jselectors</title></head>
                <body>
                <h1>jselectors</h1>
                <p>This is the jselectors HTTP/1.1 server: Python's selectors, done in Java.</p>
                <ul>%s<li><a href="/hello">/hello</a></li><li><a href="/healthz">/healthz</a></li></ul>
                </body>
                </html>
                """.formatted(links);
        return HttpResponse.of(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8)).freeze();
    }

    /** Replaces {@code /} with a home page that also links to {@code pages} (none: left as it is). */
    static void linkHome(HttpRoutes routes, List<PluginEndpoints.Link> pages) {
        if (!pages.isEmpty() && routes.contains("/")) {
            HttpResponse home = home(pages);
            routes.add("/", request -> home);
        }
    }

    /** HTML-escapes a path or title a plugin chose. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Adds the routes; {@code /} only if the static root does not have an index page of its own. */
    static void addTo(HttpRoutes routes, boolean rootHasIndex) {
        routes.add("/hello", request -> HELLO);
        routes.add("/healthz", request -> HEALTHY);
        if (!rootHasIndex) {
            routes.add("/", request -> HOME);
        }
    }
}
