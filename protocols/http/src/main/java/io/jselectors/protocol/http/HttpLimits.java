package io.jselectors.protocol.http;

import java.time.Duration;

/**
 * The bounds every HTTP connection is held to. Each one exists so that a single client, however
 * hostile, costs the server a small, fixed amount of memory and time; a request that crosses one
 * gets a clear error response and its connection is closed.
 */
public final class HttpLimits {

    /**
     * Longest request line, CRLF included: 8 KiB, answered by 414 URI Too Long. RFC 9112 section 3
     * recommends supporting at least 8000 octets; longer lines are almost always abuse, and the
     * line is buffered whole before it is parsed.
     */
    public static final int MAX_REQUEST_LINE = 8 * 1024;

    /**
     * Most bytes in the header section (every field line with its CRLF, and the trailer section of
     * a chunked body): 32 KiB, answered by 431. Large enough for big cookies, small enough that a
     * connection's parse buffer stays bounded.
     */
    public static final int MAX_HEADER_BYTES = 32 * 1024;

    /**
     * Most header fields in one request (or trailer section): 100, answered by 431. Each field is
     * kept until the request is handled; the bound stops a flood of tiny fields.
     */
    public static final int MAX_HEADER_COUNT = 100;

    /**
     * Default most bytes in a request body (option {@code max-body}): 1 MiB, answered by 413. A body
     * is collected whole before its route runs, so this is the per-connection memory it may take.
     */
    public static final long DEFAULT_MAX_BODY = 1024 * 1024;

    /**
     * Longest chunk-size line of a chunked body, extensions included: 1 KiB, answered by 400. A size
     * needs at most 16 hex digits; the rest is extensions nobody should need many of.
     */
    public static final int MAX_CHUNK_LINE = 1024;

    /**
     * Default time a client has, from the first byte of a request (an empty line before it counts),
     * to finish its header section (option {@code header-timeout}): 10 s, then 408 and close. Without
     * it a client that trickles a header byte now and then (slowloris) holds a connection forever.
     */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Most empty lines (CRLF) ignored before a request line: 4; one more gets 400. RFC 9112 section
     * 2.2 asks a server to ignore at least one (old clients send a CRLF after a POST body); without a
     * bound, a client dripping CRLFs holds a connection that never starts a request.
     */
    public static final int MAX_EMPTY_LINES = 4;

    /**
     * Default longest wait for the next bytes of a request body (option {@code body-timeout}): 10 s,
     * then 408 and close, like nginx's {@code client_body_timeout}. The header timer stops at the end
     * of the head; without this a client that announces a body and stops sending holds the
     * connection and the body collected so far.
     */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Default slowest average rate a request body may arrive at (option {@code min-body-rate}, bytes
     * per second, 0 turns it off): 1 KiB/s, slower than any real link. A body must be complete within
     * the body timeout plus one second per this many bytes received; a client that sends one byte
     * just before each body timeout would otherwise never be timed out.
     */
    public static final long DEFAULT_MIN_BODY_RATE = 1024;

    /**
     * Most of a fixed-length body allocated before its bytes arrive: 16 KiB. The body buffer starts
     * at most this big and grows (doubling, up to the declared length) as bytes come, so a client
     * announcing a 1 MiB body and sending a few bytes costs a few KiB, not the MiB it announced.
     */
    public static final int BODY_PREALLOCATION = 16 * 1024;

    /**
     * Most unparsed input buffered while the connection cannot take more output (the client pipelines
     * requests without reading the answers, or a file is streaming): 64 KiB. Above it reading is
     * paused, so the kernel and TCP flow control hold the rest of the queue, not the heap.
     */
    public static final int MAX_BUFFERED_INPUT = 64 * 1024;

    private HttpLimits() {}
}
