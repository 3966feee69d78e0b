package io.jselectors.protocol.chat.nats;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerException;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A chat cluster over one NATS server or cluster: messages on the core NATS subject {@code
 * jselectors.chat.CLUSTER} (no echo, so an instance never hears itself), nick claims as keys of the
 * JetStream key-value bucket {@code jselectors-chat-CLUSTER-nicks}, whose TTL is the nick lease (the
 * server must run with JetStream, {@code nats-server -js}). The bucket lives in memory: after a
 * broker restart it is created again and the instances re-claim their nicks.
 *
 * <p>jnats reconnects for ever with {@link BrokerSettings#backoff} and renews the subscription
 * itself. Received messages wait in the dispatcher's queue, bounded by {@value #PENDING_MESSAGES}
 * messages and {@value #PENDING_BYTES} bytes (past that jnats drops them as a slow consumer); the
 * server bounds what it holds for this client with its {@code max_pending}.
 */
final class NatsBroker implements Broker, ConnectionListener {

    /** Received messages the dispatcher may hold: a few seconds of a busy cluster. */
    static final int PENDING_MESSAGES = 65_536;

    /** Received bytes the dispatcher may hold. */
    static final long PENDING_BYTES = 64L << 20;

    /** A lost server is noticed after two missed pings at most this far apart. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(2);

    private final BrokerSettings settings;
    private final Broker.Events events;
    private final String subject;
    private final String bucket;
    /** Nick key to the revision this instance last wrote; cluster thread only. */
    private final Map<String, Long> revisions = new HashMap<>();
    private volatile Connection connection;
    private volatile boolean up;
    /** The bucket must be (re)made after every connect: a restarted server lost it. Cluster thread only. */
    private KeyValue kv;
    private volatile boolean bucketStale = true;

    NatsBroker(BrokerSettings settings, Broker.Events events) {
        this.settings = settings;
        this.events = events;
        this.subject = "jselectors.chat." + settings.cluster();
        this.bucket = "jselectors-chat-" + settings.cluster() + "-nicks";
        Options.Builder options = new Options.Builder()
                .servers(settings.servers().stream().map(URI::toString).toArray(String[]::new))
                .connectionName("jselectors-chat-" + settings.instance())
                .noEcho()
                .maxReconnects(-1)
                .reconnectDelayHandler(attempt -> BrokerSettings.backoff((int) Math.min(attempt, Integer.MAX_VALUE)))
                .connectionTimeout(BrokerSettings.CALL_TIMEOUT)
                .pingInterval(PING_INTERVAL)
                .connectionListener(this)
                .errorListener(new ErrorListener() {});
        if (settings.tls()) {
            // tls:// (or a trust file): the broker's certificate is checked against the trust file
            // (or the JVM's trust store), and against the host name in the URL.
            options.sslContext(new HostCheckingSslContext(settings.sslContext()));
        }
        if (settings.user() != null) {
            options.userInfo(settings.user(), settings.password() == null ? "" : settings.password());
        } else if (settings.password() != null) {
            options.token(settings.password().toCharArray());
        }
        try {
            Nats.connectAsynchronously(options.build(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void connectionEvent(Connection conn, ConnectionListener.Events type) {
        switch (type) {
            case CONNECTED -> {
                connection = conn;
                Dispatcher dispatcher = conn.createDispatcher(message -> events.received(message.getData()));
                dispatcher.setPendingLimits(PENDING_MESSAGES, PENDING_BYTES);
                dispatcher.subscribe(subject);
                confirmSubscription(conn);
                becameUp();
            }
            // Not RECONNECTED: jnats reports it as soon as the new connection is made, before it
            // resends the subscriptions; a PING then would be answered ahead of the SUB. It reports
            // RESUBSCRIBED once the SUBs are queued, so the PING below goes out behind them.
            case RESUBSCRIBED -> {
                confirmSubscription(conn);
                becameUp();
            }
            case DISCONNECTED, CLOSED -> {
                if (up) {
                    up = false;
                    events.disconnected("lost the connection to " + settings.describe());
                }
            }
            default -> { }
        }
    }

    /**
     * Waits for the server's answer to a ping, so the subscription sent before it (jnats resends it
     * on reconnect, before it reports RESUBSCRIBED) is in force on the server before users are told
     * the cluster is reachable: a line another instance publishes after that notice would otherwise
     * race this instance's SUB and be lost. Runs on jnats's listener thread, not the reader thread that handles the PONG.
     */
    private void confirmSubscription(Connection conn) {
        try {
            conn.flush(BrokerSettings.CALL_TIMEOUT);
        } catch (TimeoutException | IllegalStateException e) {
            // Lost again already: the DISCONNECTED event follows and says so.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void becameUp() {
        bucketStale = true;
        up = true;
        events.connected();
    }

    @Override
    public boolean isConnected() {
        // The connection listener's events, not getStatus(): the status may still say CONNECTING
        // when CONNECTED is reported, and an operation that fails then is retried by the caller.
        return up && connection != null;
    }

    @Override
    public void publish(byte[] message) throws BrokerException {
        if (!isConnected()) {
            throw new BrokerException("publish: not connected to " + settings.describe());
        }
        try {
            connection.publish(subject, message);
        } catch (IllegalStateException e) {
            throw new BrokerException("publish: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean claim(String key, String owner) throws BrokerException {
        KeyValue store = store();
        try {
            revisions.put(key, store.create(key, owner.getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (JetStreamApiException taken) {
            return heldBy(store, key, owner);
        } catch (IOException e) {
            throw failed("claim", e);
        }
    }

    /** Whether {@code owner} holds {@code key} now (it was written before, by this instance). */
    private boolean heldBy(KeyValue store, String key, String owner) throws BrokerException {
        try {
            KeyValueEntry entry = store.get(key);
            if (entry != null && entry.getOperation() == KeyValueOperation.PUT
                    && owner.equals(new String(entry.getValue(), StandardCharsets.UTF_8))) {
                revisions.put(key, entry.getRevision());
                return true;
            }
            return false;
        } catch (IOException | JetStreamApiException e) {
            throw failed("claim", e);
        }
    }

    @Override
    public boolean renew(String key, String owner) throws BrokerException {
        Long revision = revisions.get(key);
        if (revision == null) {
            return claim(key, owner);
        }
        KeyValue store = store();
        try {
            revisions.put(key, store.update(key, owner.getBytes(StandardCharsets.UTF_8), revision));
            return true;
        } catch (JetStreamApiException changed) {
            // Expired (then create succeeds) or written by someone else (then it fails).
            revisions.remove(key);
            return claim(key, owner);
        } catch (IOException e) {
            throw failed("renew", e);
        }
    }

    @Override
    public void release(String key, String owner) throws BrokerException {
        Long revision = revisions.remove(key);
        if (revision == null) {
            return;
        }
        try {
            store().delete(key, revision);
        } catch (JetStreamApiException notOurs) {
            // Someone else wrote it since, or it expired: nothing of ours to give up.
        } catch (IOException e) {
            throw failed("release", e);
        }
    }

    /** The nick bucket, created if this connection has not made sure of it yet. */
    private KeyValue store() throws BrokerException {
        Connection c = connection;
        if (!isConnected()) {
            throw new BrokerException("nick claim: not connected to " + settings.describe());
        }
        if (kv == null || bucketStale) {
            try {
                try {
                    c.keyValueManagement().create(KeyValueConfiguration.builder()
                            .name(bucket)
                            .maxHistoryPerKey(1)
                            .ttl(settings.nickLease())
                            .storageType(StorageType.Memory)
                            .build());
                } catch (JetStreamApiException exists) {
                    // Made by another instance (with the same configuration, or an older one): use it.
                }
                kv = c.keyValue(bucket);
                bucketStale = false;
            } catch (IOException e) {
                throw failed("nick bucket " + bucket + " (is JetStream on? nats-server -js)", e);
            }
        }
        return kv;
    }

    private BrokerException failed(String operation, Exception e) {
        return new BrokerException(operation + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }

    @Override
    public void close() {
        Connection c = connection;
        up = false;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
