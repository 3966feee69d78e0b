package io.jselectors.protocol.chat.redis;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerException;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A chat cluster over one Redis server: messages on the pub/sub channel {@code
 * jselectors:chat:CLUSTER}, nick claims as keys {@code jselectors:chat:CLUSTER:nick:NICK} written
 * with {@code SET NX PX} (lease) and renewed or released only by their owner (a compare in a Lua
 * script, so another instance's claim is never touched).
 *
 * <p>Two connections: one for commands, used only by the chat's cluster thread and reopened on the
 * next call after a failure; one subscribed, owned by a subscriber thread that reconnects for ever
 * with {@link BrokerSettings#backoff} and subscribes again. The connection counts as up while that
 * subscription is. Redis bounds what it holds for a slow subscriber with {@code
 * client-output-buffer-limit pubsub} (by default it drops a subscriber past 32 MiB, or 8 MiB for
 * a minute), after which this client reconnects.
 */
final class RedisBroker implements Broker {

    /** The default Redis port, when a URL names none. */
    static final int DEFAULT_PORT = 6379;

    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    private final BrokerSettings settings;
    private final Broker.Events events;
    private final HostAndPort address;
    private final JedisClientConfig config;
    private final byte[] channel;
    private final String keyPrefix;
    private final Thread subscriber;
    private volatile boolean open = true;
    private volatile boolean up;
    private volatile Jedis subscribed;
    /** Cluster thread only. */
    private Jedis commands;
    /** Set when the subscription came back: the command connection is likely from before the loss. */
    private volatile boolean commandsStale;

    RedisBroker(BrokerSettings settings, Broker.Events events) {
        this.settings = settings;
        this.events = events;
        URI uri = settings.servers().getFirst();
        this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
        String user = settings.user();
        String password = settings.password();
        if (password == null && uri.getUserInfo() != null) {
            String info = uri.getUserInfo();
            int colon = info.indexOf(':');
            user = colon < 0 ? null : (colon == 0 ? null : info.substring(0, colon));
            password = colon < 0 ? info : info.substring(colon + 1);
        }
        // One reply timeout for the command connection: a publish may wait PUBLISH_TIMEOUT (a late
        // reply on a loaded machine is not a lost broker); the subscription waits without one.
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .user(user)
                .password(password)
                .connectionTimeoutMillis((int) BrokerSettings.CALL_TIMEOUT.toMillis())
                .socketTimeoutMillis((int) BrokerSettings.PUBLISH_TIMEOUT.toMillis())
                .clientName("jselectors-chat-" + settings.instance())
                .serverDefaultProtocol(); // RESP2, what Jedis speaks; saying so spares a warning per connection
        if (settings.tls()) {
            // rediss:// (or a trust file): TLS with the broker's certificate checked against the
            // trust file (or the JVM's trust store) and against the host name in the URL.
            config.ssl(true)
                    .sslSocketFactory(settings.sslContext().getSocketFactory())
                    .sslParameters(BrokerSettings.verifyingHostName());
        }
        this.config = config.build();
        this.channel = ("jselectors:chat:" + settings.cluster()).getBytes(StandardCharsets.UTF_8);
        this.keyPrefix = "jselectors:chat:" + settings.cluster() + ":nick:";
        this.subscriber = Thread.ofPlatform().name("chat-redis-subscriber-" + settings.instance()).daemon()
                .start(this::subscribeForever);
    }

    private void subscribeForever() {
        int attempt = 0;
        while (open) {
            try (Jedis jedis = new Jedis(address, config)) {
                subscribed = jedis;
                jedis.subscribe(new BinaryJedisPubSub() {
                    @Override
                    public void onSubscribe(byte[] ch, int count) {
                        commandsStale = true;
                        up = true;
                        events.connected();
                    }

                    @Override
                    public void onMessage(byte[] ch, byte[] message) {
                        events.received(message);
                    }
                }, channel);
            } catch (JedisException e) {
                // Refused, reset or timed out: reported below, then retried.
            } finally {
                subscribed = null;
            }
            if (up) {
                up = false;
                attempt = 0;
                if (open) {
                    events.disconnected("lost the connection to " + settings.describe());
                }
            }
            if (!open) {
                return;
            }
            try {
                Thread.sleep(BrokerSettings.backoff(attempt++));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public boolean isConnected() {
        return up;
    }

    @Override
    public void publish(byte[] message) throws BrokerException {
        if (!up) {
            throw new BrokerException("publish: not connected to " + settings.describe());
        }
        call("publish", jedis -> jedis.publish(channel, message));
    }

    /**
     * All of {@code messages} in one pipeline: written together, then every reply read, so a batch
     * costs one round trip (each reply still waits at most {@link BrokerSettings#PUBLISH_TIMEOUT}).
     */
    @Override
    public void publishAll(List<byte[]> messages) throws BrokerException {
        if (messages.size() == 1) {
            publish(messages.getFirst());
            return;
        }
        if (!up) {
            throw new BrokerException("publish: not connected to " + settings.describe());
        }
        call("publish", jedis -> {
            List<Response<Long>> replies = new ArrayList<>(messages.size());
            Pipeline pipeline = jedis.pipelined();
            for (byte[] message : messages) {
                replies.add(pipeline.publish(channel, message));
            }
            pipeline.sync();
            for (Response<Long> reply : replies) {
                reply.get(); // an error reply (say NOAUTH) throws here, like a lone publish
            }
            return null;
        });
    }

    @Override
    public boolean claim(String key, String owner) throws BrokerException {
        String name = keyPrefix + key;
        return call("claim", jedis -> {
            String set = jedis.set(name, owner, SetParams.setParams().nx().px(settings.nickLease().toMillis()));
            return set != null || owner.equals(jedis.get(name));
        });
    }

    @Override
    public boolean renew(String key, String owner) throws BrokerException {
        String name = keyPrefix + key;
        Object renewed = call("renew", jedis -> jedis.eval(RENEW, List.of(name),
                List.of(owner, Long.toString(settings.nickLease().toMillis()))));
        // Gone (expired while the broker was away): claim it again if it is still free.
        return Long.valueOf(1).equals(renewed) || claim(key, owner);
    }

    @Override
    public void release(String key, String owner) throws BrokerException {
        String name = keyPrefix + key;
        call("release", jedis -> jedis.eval(RELEASE, List.of(name), List.of(owner)));
    }

    private interface Command<T> {
        T run(Jedis jedis);
    }

    /**
     * Runs one command on the command connection, opening it if needed (and afresh after the
     * subscription was lost and found again); a failure closes it, so the next call reconnects.
     */
    private <T> T call(String operation, Command<T> command) throws BrokerException {
        if (commandsStale) {
            commandsStale = false;
            dropCommands();
        }
        try {
            if (commands == null) {
                commands = new Jedis(address, config);
            }
            return command.run(commands);
        } catch (JedisException e) {
            dropCommands();
            throw new BrokerException(operation + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
    }

    private void dropCommands() {
        if (commands != null) {
            commands.close();
            commands = null;
        }
    }

    @Override
    public void close() {
        open = false;
        up = false;
        Jedis s = subscribed;
        if (s != null) {
            s.disconnect();
        }
        subscriber.interrupt();
        dropCommands();
    }
}
