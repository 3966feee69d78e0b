package io.jselectors.protocol.chat.broker;

import java.util.List;

/**
 * One chat instance's connection to the broker that joins it to the others of its cluster.
 *
 * <h2>Threads</h2>
 * Every method but {@link #isConnected()} is called from one thread only, the chat's cluster
 * thread, never from an event loop: the methods may block on the network (bounded by the client's
 * timeouts). {@link Events} are called from the broker client's own threads; they must not block.
 *
 * <h2>What a broker guarantees</h2>
 * <ul>
 *   <li>{@link #publish} reaches every other instance subscribed to the same cluster at that time,
 *       at most once; messages of one publisher arrive in the order published (one connection, one
 *       subject or channel). While disconnected nothing is queued for later: publish fails.
 *   <li>The connection is retried with back-off for ever, and the subscription is renewed on
 *       every reconnect; {@link Events#connected} and {@link Events#disconnected} report each
 *       transition once.
 *   <li>A claim is a key in the broker's store that expires {@link BrokerSettings#nickLease()}
 *       after it was last written, so the claims of an instance that died go away by themselves.
 *   <li>The broker, not this instance, bounds what it holds for a slow subscriber (NATS's
 *       {@code max_pending}, Redis's {@code client-output-buffer-limit pubsub}); the client's
 *       own receive buffer is bounded too.
 * </ul>
 */
public interface Broker extends AutoCloseable {

    /** What a broker tells the chat. Called from the broker client's threads; never blocks. */
    interface Events {
        /** The connection is up and subscribed (first time, or again after a loss). */
        void connected();

        /** The connection was lost (a reason without credentials); reconnecting with back-off. */
        void disconnected(String reason);

        /** One message published by an instance of the cluster (possibly this one). */
        void received(byte[] message);
    }

    /**
     * Publishes {@code message} to the cluster. Waits at most {@link BrokerSettings#PUBLISH_TIMEOUT}
     * for the broker's reply, where the client waits for one. A failed call leaves the client ready
     * for a retry on a fresh connection (the caller retries, in order, before publishing anything
     * else).
     *
     * @throws BrokerException when not connected or the broker refused or timed out; after a
     *     timeout the message may still have been published (the caller's sequence numbers let
     *     receivers drop a retried copy)
     */
    void publish(byte[] message) throws BrokerException;

    /**
     * Publishes {@code messages} in order, as {@link #publish} one after the other would, in as few
     * round trips as the client allows (Redis pipelines them; this default publishes one by one).
     * A failure leaves the client ready for a retry of the whole list; some of the messages, from
     * the first on, may have been published already (the caller's sequence numbers let receivers
     * drop the copies).
     *
     * @throws BrokerException as {@link #publish}
     */
    default void publishAll(List<byte[]> messages) throws BrokerException {
        for (byte[] message : messages) {
            publish(message);
        }
    }

    /**
     * Claims {@code key} for {@code owner} with the lease: true if it was free (or expired) and is
     * now {@code owner}'s, or already was {@code owner}'s; false if someone else holds it.
     */
    boolean claim(String key, String owner) throws BrokerException;

    /** Extends {@code owner}'s lease on {@code key}: false if {@code owner} no longer holds it. */
    boolean renew(String key, String owner) throws BrokerException;

    /** Gives {@code key} up if {@code owner} holds it; nothing happens otherwise. */
    void release(String key, String owner) throws BrokerException;

    /** Whether the connection is up now; any thread. */
    boolean isConnected();

    /** Closes the connections; no event follows. */
    @Override
    void close();
}
