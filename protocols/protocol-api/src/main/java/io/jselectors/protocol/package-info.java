/**
 * The protocol plugin API: the only thing (with netty-buffer and micrometer-core) a plugin author
 * compiles against.
 *
 * <p>A plugin is a {@link io.jselectors.protocol.Protocol} listed in {@code
 * META-INF/services/io.jselectors.protocol.Protocol}. The server creates one {@link
 * io.jselectors.protocol.ProtocolHandler} per connection and calls it only on that connection's
 * {@link io.jselectors.protocol.EventLoop} thread, so a handler needs no locks. Bytes arrive and
 * leave as netty {@link io.netty.buffer.ByteBuf}s from a pooled direct allocator; a buffer handed
 * to a handler is the handler's to release (or to pass on to {@link
 * io.jselectors.protocol.Connection#write}, which takes ownership).
 */
package io.jselectors.protocol;
