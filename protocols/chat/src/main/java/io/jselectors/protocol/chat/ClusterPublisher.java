package io.jselectors.protocol.chat;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerException;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this instance's messages, numbered, on the cluster thread (the only thread that calls
 * it), and decides what a failed publish does.
 *
 * <h2>Batches</h2>
 * The messages waiting when the cluster thread gets to them are published together ({@link
 * #sendAll}): one round trip to Redis for the lot instead of one per message, so a burst, or a
 * broker slow to answer on a busy machine, does not make every line behind it wait for its own
 * reply. A batch that fails is not given up as a whole: its messages are retried one by one.
 *
 * <h2>A failed publish</h2>
 * A publish that fails while the broker is still connected (on a loaded machine: a reply later
 * than the client's timeout, or a reset) is tried again, up to {@value #PUBLISH_ATTEMPTS} times
 * {@link #RETRY_PAUSE} apart, each on a fresh connection where the client dropped the failed one
 * (Redis; jnats keeps its own). The cluster thread takes no other job meanwhile, so one sender's
 * order holds. The retry keeps the message's sequence number ({@link ClusterWire#sequenced}): a
 * first attempt that reached the broker after all is ignored by the receivers, so a retry never
 * shows a line twice. A message still not taken is lost: counted as {@code
 * dropped{reason=failed}} (or {@code unreachable} if the broker went down meanwhile), logged
 * without credentials, and the user whose line or private message it was is told which one.
 */
final class ClusterPublisher {

    /**
     * Tries per message while the broker stays connected: one failure on a loaded machine is
     * usually a timeout or a reset, and the next try on a fresh connection goes through; three
     * failures in a row (up to three {@link BrokerSettings#PUBLISH_TIMEOUT}s) mean the broker is
     * not taking messages, and the queue behind this one must not wait longer.
     */
    static final int PUBLISH_ATTEMPTS = 3;

    /** The pause before a retry: a failed connection is replaced, not hammered. */
    static final Duration RETRY_PAUSE = BrokerSettings.BACKOFF_MIN;

    /** How much of a lost line its author is shown: enough to know which one. */
    static final int LOST_LINE_SHOWN = 60;

    private static final Logger log = LoggerFactory.getLogger(ClusterPublisher.class);

    private final Broker broker;
    private final ClusterMeters meters;
    private final BooleanSupplier running;
    /** The last sequence number given; cluster thread only. */
    private long sequence;

    ClusterPublisher(Broker broker, ClusterMeters meters, BooleanSupplier running) {
        this.broker = broker;
        this.meters = meters;
        this.running = running;
    }

    /**
     * One message waiting to be published: its body (without sequence number), and the user to tell
     * if it is lost for good ({@code author}, null for notices and presence) with the line shown.
     */
    record Outgoing(byte[] body, Member author, String line) {}

    /** Publishes {@code body} alone; see {@link #sendAll}. */
    void send(byte[] body, Member author, String line) {
        sendAll(List.of(new Outgoing(body, author, line)));
    }

    /**
     * Publishes {@code batch} in order, each message with the next sequence number, in one call to
     * the broker (one round trip where the client pipelines). If that call fails, the batch counts
     * as each message's first attempt: after the pause each message is published alone, in order,
     * with its remaining attempts, as the class comment says (the numbers stay, so receivers drop
     * what the batch got through).
     */
    void sendAll(List<Outgoing> batch) {
        List<byte[]> messages = new ArrayList<>(batch.size());
        for (Outgoing outgoing : batch) {
            messages.add(ClusterWire.sequenced(++sequence, outgoing.body()));
        }
        int next = 1;
        if (batch.size() > 1) {
            try {
                broker.publishAll(messages);
                meters.published(messages.size());
                return;
            } catch (BrokerException e) {
                boolean up = broker.isConnected();
                if (!up || !pause()) {
                    for (Outgoing outgoing : batch) {
                        lost(outgoing, up, 1, e);
                    }
                    return;
                }
                next = 2;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            publishAlone(messages.get(i), batch.get(i), next);
        }
    }

    /** One numbered message, from attempt {@code attempt} on, retried as the class comment says. */
    private void publishAlone(byte[] message, Outgoing outgoing, int attempt) {
        for (; ; attempt++) {
            try {
                broker.publish(message);
                meters.published(1);
                return;
            } catch (BrokerException e) {
                boolean up = broker.isConnected();
                if (!up || attempt >= PUBLISH_ATTEMPTS || !pause()) {
                    lost(outgoing, up, attempt, e);
                    return;
                }
            }
        }
    }

    /** A message given up: counted, logged without credentials, and its author (if any) told. */
    private void lost(Outgoing outgoing, boolean up, int attempts, BrokerException e) {
        meters.dropped(up ? ClusterMeters.Drop.FAILED : ClusterMeters.Drop.UNREACHABLE);
        log.warn("chat cluster: a message was not published after {} attempt(s): {}", attempts, e.getMessage());
        if (outgoing.author() != null) {
            outgoing.author().send(ChatText.encode(ByteBufAllocator.DEFAULT, notDelivered(outgoing.line(), e.getMessage())), null, false);
        }
    }

    /** What the author of a lost line is told: which line, and why (no credentials: see BrokerException). */
    static String notDelivered(String line, String why) {
        String shown = line.length() > LOST_LINE_SHOWN ? line.substring(0, LOST_LINE_SHOWN) + "..." : line;
        return ChatText.error("not delivered to the other instances (" + why + "): " + shown);
    }

    /** Sleeps before a retry; false if the link is closing (then the message is given up). */
    private boolean pause() {
        if (!running.getAsBoolean()) {
            return false;
        }
        try {
            Thread.sleep(RETRY_PAUSE);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
