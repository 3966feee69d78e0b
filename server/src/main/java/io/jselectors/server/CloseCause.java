package io.jselectors.server;

/** Why a connection closed; the {@code cause} tag of the closed-connections counter. */
enum CloseCause {
    /** The peer closed its side first (EOF), and we closed after it. */
    PEER,
    /** The peer reset the connection, or the socket failed. */
    PEER_RESET,
    /** The handler closed it. */
    LOCAL,
    /** The idle timeout expired. */
    IDLE,
    /** A handler threw. */
    ERROR,
    /** The server shut down. */
    SHUTDOWN,
    /** Refused at accept because of --max-connections. */
    LIMIT;

    /** The tag value, lower case. */
    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
