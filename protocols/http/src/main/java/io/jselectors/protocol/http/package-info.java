/**
 * HTTP/1.1: {@link io.jselectors.protocol.http.HttpProtocol}, found by the server through {@code
 * META-INF/services/io.jselectors.protocol.Protocol}. Other parts of the server add paths through
 * {@link io.jselectors.protocol.http.HttpRoutes}, reached from the listener's {@link
 * io.jselectors.protocol.http.HttpListenerState}.
 */
package io.jselectors.protocol.http;
