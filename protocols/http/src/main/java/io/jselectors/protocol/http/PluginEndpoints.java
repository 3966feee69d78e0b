package io.jselectors.protocol.http;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.WebPage;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketEndpointProvider;
import io.jselectors.protocol.websocket.OriginPolicy;
import io.jselectors.protocol.websocket.WebSocketRoute;
import io.jselectors.protocol.websocket.WebSocketSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoints plugins contribute to one http listener ({@link
 * WebSocketEndpointProvider}s found with {@link ServiceLoader} in the class path and the plugin
 * jars): resolves each one's path from the
 * listener's options, refuses clashes, adds the routes (the endpoint, and its page on the same path
 * for a plain {@code GET}), and closes the endpoints when the listener stops.
 *
 * <p>Options, per provider NAME: {@code endpoint.NAME} (a path, or {@code off}) and {@code
 * endpoint.NAME.origins} (comma-separated origins, or {@code *}; default: same origin).
 */
final class PluginEndpoints implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginEndpoints.class);

    /** A link on the home page: where a plugin's page is and what it is called. */
    record Link(String path, String title) {}

    private final List<WebSocketEndpoint> endpoints = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();

    private PluginEndpoints() {}

    /**
     * Providers tried at most. ServiceLoader's iterator carries on after a provider that fails,
     * and this bound keeps one whose error recurs from looping forever; no server has near this
     * many endpoints.
     */
    static final int MAX_PROVIDERS = 1024;

    /**
     * Collects the providers the server's class path and plugin jars hold ({@link
     * ListenerContext#pluginClassLoader()}). One that cannot be created is logged and left out:
     * the server names the jar at start (it tried the providers then), and the rest still serve.
     */
    static PluginEndpoints load(ListenerContext listener, HttpRoutes routes) {
        List<WebSocketEndpointProvider> providers = new ArrayList<>();
        Iterator<WebSocketEndpointProvider> found = ServiceLoader.load(WebSocketEndpointProvider.class, listener.pluginClassLoader()).iterator();
        for (int i = 0; i < MAX_PROVIDERS; i++) {
            try {
                if (!found.hasNext()) {
                    break;
                }
                providers.add(found.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                log.warn("WebSocket endpoint provider not loaded: {}", e.toString());
            }
        }
        return mount(listener, routes, providers);
    }

    /**
     * Mounts {@code providers} on {@code routes}, which already holds the listener's own routes.
     *
     * @throws IllegalArgumentException for a bad option, or two things on one path (naming both)
     */
    static PluginEndpoints mount(ListenerContext listener, HttpRoutes routes, List<WebSocketEndpointProvider> providers) {
        PluginEndpoints mounted = new PluginEndpoints();
        Map<String, String> owners = new LinkedHashMap<>();
        try {
            for (WebSocketEndpointProvider provider : providers) {
                String name = provider.name();
                String path = listener.option("endpoint." + name, provider.defaultPath()).trim();
                if (path.equalsIgnoreCase("off")) {
                    continue;
                }
                if (!path.startsWith("/")) {
                    throw new IllegalArgumentException("http option endpoint." + name + " must be a path starting with / (or off): " + path);
                }
                String other = owners.putIfAbsent(path, name);
                if (other != null || routes.contains(path)) {
                    throw new IllegalArgumentException("WebSocket endpoint " + name + " and "
                            + (other != null ? "endpoint " + other : "the listener's own route") + " both want path " + path
                            + " (move one with --option http.endpoint." + name + "=/other-path)");
                }
                mounted.add(listener, routes, provider, path);
            }
        } catch (RuntimeException e) {
            mounted.close();
            throw e;
        }
        return mounted;
    }

    private void add(ListenerContext listener, HttpRoutes routes, WebSocketEndpointProvider provider, String path) {
        WebSocketEndpoint endpoint = provider.newEndpoint(listener, path);
        endpoints.add(endpoint);
        WebSocketRoute route = WebSocketRoute.of(endpoint).withOrigins(origins(listener, provider.name()));
        int cap = provider.maxMessageBytes(listener);
        if (cap > 0) {
            WebSocketSettings defaults = WebSocketSettings.DEFAULTS;
            route = route.withSettings(new WebSocketSettings(cap, defaults.pingInterval(), defaults.closeTimeout()));
        }
        routes.addWebSocket(path, route);
        WebPage page = provider.page(listener, path);
        if (page != null) {
            HttpResponse response = HttpResponse.of(200, page.contentType(), page.body()).header("Cache-Control", "no-cache").freeze();
            routes.add(path, request -> response);
            links.add(new Link(path, page.title()));
        }
    }

    private static OriginPolicy origins(ListenerContext listener, String name) {
        String value = listener.option("endpoint." + name + ".origins", "").trim();
        if (value.isEmpty()) {
            return OriginPolicy.sameOrigin();
        }
        if (value.equals("*")) {
            return OriginPolicy.anyOrigin();
        }
        List<String> list = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String origin : list) {
            String lower = origin.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                throw new IllegalArgumentException("http option endpoint." + name + ".origins: an origin is scheme://host[:port], got " + origin);
            }
        }
        return OriginPolicy.allowList(list);
    }

    /** The pages, in the order the providers were found, for the home page. */
    List<Link> links() {
        return List.copyOf(links);
    }

    /** Closes the endpoints that are {@link AutoCloseable}; a failure is logged, the others still close. */
    @Override
    public void close() {
        for (WebSocketEndpoint endpoint : endpoints) {
            if (endpoint instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("closing WebSocket endpoint {}: {}", endpoint, e.toString());
                }
            }
        }
        endpoints.clear();
    }
}
