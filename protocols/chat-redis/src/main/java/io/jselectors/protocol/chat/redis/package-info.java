/**
 * The chat cluster's {@link io.jselectors.protocol.chat.broker.Broker} over Redis, with Jedis: a
 * small blocking client, which suits the SPI (every call is made off the loops, on the cluster
 * thread or the subscriber thread) and brings no second Netty onto the class path.
 */
package io.jselectors.protocol.chat.redis;
