package io.jselectors.protocol.http;

/**
 * Answers the requests for one path, registered with {@link HttpRoutes#add}. Runs on the
 * connection's loop thread, so it must not block: compute the answer and return it. A route that
 * throws gets a 500 for its client; the connection stays usable.
 */
@FunctionalInterface
public interface Route {

    /**
     * Answers {@code request}, which is only valid until this returns. A HEAD request reaches the
     * route of GET: return the same response, the server leaves the content out.
     */
    HttpResponse handle(HttpRequest request);
}
