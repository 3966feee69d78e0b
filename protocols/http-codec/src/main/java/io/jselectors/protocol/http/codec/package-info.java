/**
 * HTTP/1 framing and field rules (RFC 9110, RFC 9112) written once, for every side that parses
 * HTTP/1: the server's request decoder ({@code protocols/http}), the client's response parser
 * ({@code protocols/http-client}) and the load generator's response checker ({@code bench}).
 *
 * <ul>
 *   <li>{@link io.jselectors.protocol.http.codec.HttpSyntax}: tokens, field lines, field values,
 *       request targets, shared spellings of common methods and field names;
 *   <li>{@link io.jselectors.protocol.http.codec.StartLine}: the version of a request line, the
 *       version and code of a status line;
 *   <li>{@link io.jselectors.protocol.http.codec.ContentLength} and {@link
 *       io.jselectors.protocol.http.codec.TransferCoding}: what the framing fields say;
 *   <li>{@link io.jselectors.protocol.http.codec.ChunkedDecoder}: an incremental chunked body;
 *   <li>{@link io.jselectors.protocol.http.codec.LineScanner}: finds a line in a {@code ByteBuf}
 *       reading each byte once (the chunked body's lines); its {@code copyToLineFeed} is the one
 *       line search, which the server's request decoder also uses, copying its request line into
 *       an array of its own and field lines straight into the request's field bytes.
 * </ul>
 *
 * <p>Strict where two parsers could disagree on where a message ends; each caller decides what
 * a refusal means for it (a 400 for the server, an error line for the client). The byte-level
 * methods allocate nothing (the server's decoder parses a pipelined {@code GET} without
 * allocating); what takes a {@code String} (a field value the caller already made) may copy it.
 */
package io.jselectors.protocol.http.codec;
