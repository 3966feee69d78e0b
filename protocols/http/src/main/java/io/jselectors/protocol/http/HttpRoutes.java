package io.jselectors.protocol.http;

import io.jselectors.protocol.websocket.WebSocketRoute;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    private final Map<String, Entry> byPath = new ConcurrentHashMap<>();
    private final Map<String, WebSocketRoute> webSockets = new ConcurrentHashMap<>();

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
        return this;
    }

    /**
     * Serves a WebSocket endpoint on {@code path}: a valid upgrade request there gets 101 and the
     * connection switches to the endpoint's session; any other request there gets the refusal the
     * handshake names (400, 403, 405, 426). Replaces a WebSocket route of that path; a WebSocket
     * route wins over a plain route of the same path.
     */
    public HttpRoutes addWebSocket(String path, WebSocketRoute route) {
        Objects.requireNonNull(route, "route");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: " + path);
        }
        webSockets.put(path, route);
        return this;
    }

    WebSocketRoute findWebSocket(String path) {
        return webSockets.get(path);
    }

    /** Removes the route of {@code path}; returns whether there was one. */
    public boolean remove(String path) {
        return byPath.remove(path) != null | webSockets.remove(path) != null;
    }

    /** Whether {@code path} has a route. */
    public boolean contains(String path) {
        return byPath.containsKey(path) || webSockets.containsKey(path);
    }

    Entry find(String path) {
        return byPath.get(path);
    }

    /** A route with what to say in {@code Allow}. */
    record Entry(Route route, Set<String> methods, String allow) {
        boolean accepts(String method) {
            return methods.contains(method);
        }
    }
}
