package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.SharedServices;
import java.nio.charset.StandardCharsets;

/**
 * A line-based chat for people with {@code nc host 7001} or {@code telnet host 7001}: nicks, rooms
 * (everyone starts in {@code lobby}), private messages. Rooms span every worker loop.
 *
 * <p>Options: {@code max-line} (bytes, default {@value ChatSettings#DEFAULT_MAX_LINE}) and
 * {@code max-queue} (bytes queued for one reader before it is dropped, default 1 MiB) and {@code
 * queue-budget} (bytes all readers who are behind may have queued together, default a quarter of
 * the smaller of the heap's maximum and the direct memory cap; see {@link QueueBudget}) and {@code
 * line-timeout} (seconds from a line's first byte to its end, default {@value
 * ChatSettings#DEFAULT_LINE_TIMEOUT_SECONDS}) and {@code line-budget} (bytes all lines that arrive
 * in pieces may hold together, default an eighth of the heap's maximum; see {@link LineBudget}). Meters:
 * {@code jselectors.chat.users} and {@code jselectors.chat.rooms} (gauges), {@code
 * jselectors.chat.messages.delivered} and {@code jselectors.chat.slow.consumers} (counters), and the
 * budgets' {@code jselectors.chat.queued*}, {@code jselectors.chat.queue.budget*}, {@code
 * jselectors.chat.lines.buffered} and {@code jselectors.chat.line.budget*}.
 *
 * <p>With {@code cluster} ({@code nats://HOST:4222} or {@code redis://HOST:6379}, or {@code
 * JSELECTORS_CLUSTER}) the listener joins the other instances of {@code cluster-name} through that
 * broker: see {@link ClusterLink} for the guarantees and {@code jselectors.chat.cluster.*} meters.
 *
 * <p>The rooms are the server's, not the listener's: every chat listener of a server and the http
 * listeners' {@code /chat} WebSocket endpoint ({@link ChatEndpoints}) share one {@link ChatState},
 * the {@link SharedServices} entry {@value #SERVICE}, created by whichever comes first with its
 * options and closed when the last of them stops.
 */
public final class ChatProtocol implements Protocol {

    /** The port a chat listener uses when none is given. */
    public static final int DEFAULT_PORT = 7001;

    /** The name of the chat in the server's {@link SharedServices}. */
    static final String SERVICE = "chat";

    /** For {@link java.util.ServiceLoader}. */
    public ChatProtocol() {}

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public String description() {
        return "line chat with nicks, rooms and private messages (try nc or telnet)";
    }

    /** A lease on the server's chat: the listener's shared state, closed when it stops. */
    @Override
    public Object createSharedState(ListenerContext listener) {
        return acquire(listener, ChatSettings.from(listener));
    }

    /**
     * A lease on the server's chat, creating it with {@code settings}, {@code listener}'s meter
     * registry and the cluster its options name, if no listener holds it yet.
     */
    static SharedServices.Lease<ChatState> acquire(ListenerContext listener, ChatSettings settings) {
        return listener.sharedServices().acquire(SERVICE, ChatState.class, () -> {
            ChatState state = new ChatState(settings, listener.meterRegistry());
            state.cluster(ClusterSetup.join(listener, state, System::getenv));
            return state;
        });
    }

    /** The chat a listener's connections use (its shared state is a lease on it), or null before it starts. */
    static ChatState state(ListenerContext listener) {
        return listener.sharedState() instanceof SharedServices.Lease<?> lease ? (ChatState) lease.value() : null;
    }

    @Override
    public ProtocolHandler newHandler(ListenerContext listener) {
        ChatState state = state(listener);
        if (state == null) {
            throw new IllegalStateException("chat: no shared state for listener " + listener.address()
                    + " (createSharedState must run before newHandler)");
        }
        return new ChatHandler(state);
    }

    /** One line, {@value ChatText#SERVER_FULL}. */
    @Override
    public byte[] refusal() {
        return (ChatText.SERVER_FULL + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
