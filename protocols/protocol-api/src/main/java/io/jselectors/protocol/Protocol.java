package io.jselectors.protocol;

/**
 * A protocol the server can serve, found with {@link java.util.ServiceLoader}.
 *
 * {@snippet :
 * public final class DaytimeProtocol implements Protocol {
 *     public String name() { return "daytime"; }
 *     public int defaultPort() { return 7013; }
 *     public ProtocolHandler newHandler(ListenerContext listener) {
 *         return new ProtocolHandler() {
 *             public void onOpen(Connection c) {
 *                 c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), Instant.now() + "\r\n"));
 *                 c.close();
 *             }
 *             public void onRead(Connection c, ByteBuf data) { data.release(); }
 *         };
 *     }
 * }
 * }
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe: one instance
 * serves every listener of its protocol, from every loop.
 */
public interface Protocol {

    /** The name operators use in {@code --listen NAME=PORT}: lower case, e.g. {@code echo}. */
    String name();

    /** The port a listener of this protocol uses when none is given. */
    int defaultPort();

    /** One line for {@code jselectors protocols}. */
    default String description() {
        return name();
    }

    /**
     * Creates the state shared by every connection of one listener (chat rooms, a cache, ...),
     * called once when the listener starts; {@link ListenerContext#sharedState()} returns it. It
     * is reached from every worker loop, so it must be thread-safe. If it is {@link
     * AutoCloseable} it is closed when the listener stops.
     */
    default Object createSharedState(ListenerContext listener) {
        return null;
    }

    /** Creates the handler of one new connection; called on the connection's loop. */
    ProtocolHandler newHandler(ListenerContext listener);

    /**
     * What to tell a client the server refuses because it is full ({@code --max-connections}): the
     * server writes these bytes once, without waiting, and closes the connection; no handler is
     * created. Keep it one short message (an HTTP {@code 503}, an error line), so it fits in a new
     * socket's send buffer; it is asked for once per listener. The default, an empty array, sends
     * nothing: the client just sees the connection close.
     */
    default byte[] refusal() {
        return new byte[0];
    }
}
