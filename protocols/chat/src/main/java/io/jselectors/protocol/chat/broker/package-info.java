/**
 * The broker SPI that joins several chat instances into one cluster: {@link
 * io.jselectors.protocol.chat.broker.BrokerProvider} (found with {@link java.util.ServiceLoader} by
 * the URL scheme of {@code chat.cluster}) opens a {@link io.jselectors.protocol.chat.broker.Broker}
 * (publish, subscribe, nick claims with a lease). The chat module ships no implementation; the
 * {@code chat-nats} and {@code chat-redis} modules do.
 */
package io.jselectors.protocol.chat.broker;
