/** The chat cluster's {@link io.jselectors.protocol.chat.broker.Broker} over NATS, with jnats. */
package io.jselectors.protocol.chat.nats;
