/**
 * HTTP/1.1: {@link io.jselectors.protocol.http.HttpProtocol}, found by the server through {@code
 * META-INF/services/io.jselectors.protocol.Protocol}.
 *
 * <p>The embedding API, all that code outside the protocol compiles against: {@link
 * io.jselectors.protocol.http.HttpProtocol#embedded} (an HTTP protocol with the embedder's routes
 * and no built-in pages), {@link io.jselectors.protocol.http.HttpRoutes}, {@link
 * io.jselectors.protocol.http.Route}, {@link io.jselectors.protocol.http.HttpRequest} and {@link
 * io.jselectors.protocol.http.HttpResponse}.
 */
package io.jselectors.protocol.http;
