/**
 * The client side of HTTP/1.1: {@link io.jselectors.protocol.http.client.FetchClient} runs many
 * fetches concurrently on one thread and one {@link io.jselectors.selector.Selector} (non-blocking
 * connect watched for WRITE, for https the TLS handshake through the JDK's {@code SSLEngine}, the
 * request, the response read on READ), reusing kept-alive connections per origin. Which servers
 * https trusts is {@link io.jselectors.protocol.http.client.TlsTrust}. Responses are framed by the HTTP/1 codec ({@code protocols/http-codec}),
 * the same rules the server applies to requests.
 *
 * <p>Depends on selector-core (the selectors and the posix socket calls) and the codec only, no
 * server internals; the {@code jselectors fetch} command in the server is a thin command line over
 * {@link io.jselectors.protocol.http.client.FetchClient}, {@link
 * io.jselectors.protocol.http.client.FetchOptions} and {@link
 * io.jselectors.protocol.http.client.FetchResult}.
 */
package io.jselectors.protocol.http.client;
