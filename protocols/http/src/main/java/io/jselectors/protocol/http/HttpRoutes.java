package io.jselectors.protocol.http;

import io.jselectors.protocol.websocket.WebSocketRoute;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routes of one HTTP listener: exact paths mapped to a {@link Route} and the methods it
 * accepts. An embedder fills a listener's table through {@link HttpProtocol#embedded}; thread-safe,
 * and a route added while the listener runs is seen by the next request.
 *
 * {@snippet :
 * HttpProtocol.embedded("admin", 9100, "admin HTTP: /metrics", routes -> routes
 *         .add("/metrics", request -> HttpResponse.of(200, "text/plain; version=0.0.4", scrape())));
 * }
 *
 * <p>Matching: the path without the query, exactly as sent (no %-decoding); a route wins over the
 * static files of option {@code root}. A path whose route does not accept the method gets 405
 * with {@code Allow}. A route for GET also answers HEAD.
 */
public final class HttpRoutes {

    /**
     * The methods of RFC 9110 section 9 and PATCH (RFC 5789): a route that does not take one of
     * them answers 405; any other method is not implemented here at all, 501 (section 9.1).
     */
    private static final String[] KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

    private final Map<String, Entry> byPath = new ConcurrentHashMap<>();
    private final Map<String, WebSocketRoute> webSockets = new ConcurrentHashMap<>();
    /** Changed after every change of the table, so that a {@link Lookup} knows when to look again. */
    private final AtomicInteger version = new AtomicInteger();

    /** Creates an empty table. */
    public HttpRoutes() {}

    /** Routes GET (and HEAD) requests for {@code path} to {@code route}, replacing any route of that path. */
    public HttpRoutes add(String path, Route route) {
        return add(path, route, "GET");
    }

    /** Routes requests with one of {@code methods} for {@code path} to {@code route}, replacing any route of that path. */
    public HttpRoutes add(String path, Route route, String... methods) {
        Objects.requireNonNull(route, "route");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: " + path);
        }
        if (methods.length == 0) {
            throw new IllegalArgumentException("no method for " + path);
        }
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(methods));
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        byPath.put(path, new Entry(route, Set.copyOf(allowed), String.join(", ", allowed)));
        version.incrementAndGet();
        return this;
    }

    /**
     * Serves a WebSocket endpoint on {@code path}: a valid upgrade request there gets 101 and the
     * connection switches to the endpoint's session; any other request there gets the refusal the
     * handshake names (400, 403, 405, 426). Replaces a WebSocket route of that path. With a plain
     * route on the same path (an endpoint's own page), a request without an {@code Upgrade} field
     * goes to the plain route and every other one to the handshake.
     */
    public HttpRoutes addWebSocket(String path, WebSocketRoute route) {
        Objects.requireNonNull(route, "route");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: " + path);
        }
        webSockets.put(path, route);
        version.incrementAndGet();
        return this;
    }

    /** Removes the route of {@code path}; returns whether there was one. */
    public boolean remove(String path) {
        boolean removed = byPath.remove(path) != null | webSockets.remove(path) != null;
        version.incrementAndGet();
        return removed;
    }

    /** Whether {@code path} has a route. */
    public boolean contains(String path) {
        return byPath.containsKey(path) || webSockets.containsKey(path);
    }

    /**
     * Answers a (non-WebSocket) request whose path's route is {@code entry} (a {@link Lookup}'s;
     * {@code null}: none): its route, 405 if the route does not take the method, the static
     * {@code files} (null: none) if no route has the path, 501 for an unknown method, 500 if the
     * route throws.
     */
    HttpResponse answer(HttpRequest request, Entry entry, StaticFiles files) {
        if (!isKnown(request.method())) {
            return HttpResponse.text(501, "501 Not Implemented\n");
        }
        try {
            if (entry != null) {
                return entry.accepts(request.method()) ? entry.route().handle(request)
                        : HttpResponse.text(405, "405 Method Not Allowed\n").header("Allow", entry.allow());
            }
            return files != null ? files.serve(request) : HttpResponse.text(404, "404 Not Found\n");
        } catch (RuntimeException e) {
            return HttpResponse.text(500, "500 Internal Server Error\n");
        }
    }

    /**
     * Whether {@code method} is one of {@link #KNOWN_METHODS}. A search of nine strings, GET first:
     * the decoder hands out the standard methods as shared constants, so a GET is one identity
     * check, where a {@code Set.of} lookup cost a hash and a remainder per request (bench/PROFILE.md,
     * sixth pass).
     */
    private static boolean isKnown(String method) {
        for (String known : KNOWN_METHODS) {
            if (known.equals(method)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One connection's memory of its last lookup: a path's route and WebSocket route, looked up
     * again only when the path is another string or the table changed since. The decoder hands out
     * the same path string while a client repeats its target, so a keep-alive client asking for
     * one path looks it up once, where two map lookups (a hash and a string comparison each) were
     * in the /hello profile per request (bench/PROFILE.md, sixth pass). A change of the table is
     * seen by the next request, as without it. Loop thread only.
     *
     * <p>{@link HttpHandler} extends it: the memo's fields are the handler's own, so a request
     * reads them without fetching a further object (bench/PROFILE.md, eighth pass).
     */
    static class Lookup {
        private final HttpRoutes routes;
        private String path;
        private int version;
        private Entry entry;
        private WebSocketRoute webSocket;

        Lookup(HttpRoutes routes) {
            this.routes = routes;
        }

        /** Looks up {@code path}, unless it was the last one and the table has not changed. */
        final void lookUp(String path) {
            // The version first: a change made after this read changes it again, so a stale
            // result is never kept past the next request.
            int now = routes.version.get();
            if (path != this.path || now != version) {
                this.path = path;
                version = now;
                entry = routes.byPath.get(path);
                webSocket = routes.webSockets.get(path);
            }
        }

        /** The route of the last path, or {@code null}. */
        final Entry routeEntry() {
            return entry;
        }

        /** The WebSocket route of the last path, or {@code null}. */
        final WebSocketRoute webSocketRoute() {
            return webSocket;
        }
    }

    /** A route with what to say in {@code Allow}. */
    record Entry(Route route, Set<String> methods, String allow) {
        boolean accepts(String method) {
            return methods.contains(method);
        }
    }
}
