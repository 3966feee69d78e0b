package io.jselectors.protocol.chat.broker;

/** A broker operation failed: not connected, refused, or timed out. The message never holds credentials. */
public final class BrokerException extends Exception {

    private static final long serialVersionUID = 1L;

    /** With the operation and its cause in one line, e.g. {@code publish: not connected}. */
    public BrokerException(String message) {
        super(message);
    }

    /** With the client's exception as the cause. */
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
