package io.jselectors.protocol;

/**
 * A WebSocket endpoint a plugin adds to the server's http listeners, found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/io.jselectors.protocol.WebSocketEndpointProvider}).
 * Every http listener collects the providers when it starts and serves each one's endpoint on its
 * path: a request with {@code Upgrade: websocket} there switches to a session of the endpoint; a
 * plain {@code GET} gets the provider's {@link #page}, if it has one. The home page {@code /} links
 * to every page.
 *
 * <p>The operator moves an endpoint with the http option {@code endpoint.NAME=/path}, turns it
 * off with {@code endpoint.NAME=off}, and lets other origins in with {@code
 * endpoint.NAME.origins=https://a.example,https://b.example} (or {@code *}); by default only
 * pages of the listener's own origin (and clients that send no {@code Origin}) may connect. Two
 * endpoints on one path, or an endpoint on a path the listener already serves ({@code /hello},
 * {@code /healthz}, {@code /}), stop the listener from starting with an error naming both.
 *
 * {@snippet :
 * public final class EchoEndpoints implements WebSocketEndpointProvider {
 *     public String name() { return "echo"; }
 *     public String defaultPath() { return "/echo"; }
 *     public WebSocketEndpoint newEndpoint(ListenerContext listener, String path) {
 *         return new WebSocketEndpoint() {
 *             public void onText(WebSocketSession session, String text) { session.sendText(text); }
 *         };
 *     }
 * }
 * }
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface WebSocketEndpointProvider {

    /** The name in the http options ({@code endpoint.NAME}): lower case, e.g. {@code chat}. */
    String name();

    /** Where the endpoint is served unless the operator says otherwise: an absolute path, e.g. {@code /chat}. */
    String defaultPath();

    /**
     * Creates the endpoint one http listener serves, when that listener starts. It is shared by every
     * session of the listener, from every loop, so it must be thread-safe. If it is {@link
     * AutoCloseable} it is closed when the listener stops.
     *
     * @param listener the http listener (its options, meters and address)
     * @param path the path the endpoint is served on
     */
    WebSocketEndpoint newEndpoint(ListenerContext listener, String path);

    /**
     * The largest message a session of this endpoint accepts, in bytes; a larger one closes the
     * session with {@link WebSocketCloseCodes#MESSAGE_TOO_BIG}. The default, 0, takes the server's
     * default cap (1 MiB).
     */
    default int maxMessageBytes(ListenerContext listener) {
        return 0;
    }

    /**
     * The page a plain {@code GET} of the endpoint's path returns (a browser client of the endpoint,
     * say), or {@code null} for none (such a request then gets {@code 426 Upgrade Required}).
     *
     * @param listener the http listener
     * @param path the path the endpoint and the page are served on
     */
    default WebPage page(ListenerContext listener, String path) {
        return null;
    }
}
