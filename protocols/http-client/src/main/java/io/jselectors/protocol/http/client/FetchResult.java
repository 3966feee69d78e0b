package io.jselectors.protocol.http.client;

/**
 * The outcome of one fetch: a response (any status) or an error.
 *
 * @param url the URL as given
 * @param repeat which repetition of that URL, from 1 ({@code -n})
 * @param status the response's status code, 0 if there was no complete response
 * @param bodyBytes the body's length in bytes (after chunked decoding), as far as it was read
 * @param nanos time from the start of the fetch (connect or reuse) to its end
 * @param reusedConnection the request went over a kept-alive connection
 * @param error what went wrong, for people, or {@code null} for a complete response
 * @param body the first bytes of the body when the client was asked to keep them, else empty
 */
public record FetchResult(
        String url, int repeat, int status, long bodyBytes, long nanos, boolean reusedConnection, String error,
        byte[] body) {

    /** A complete response arrived (whatever its status). */
    public boolean ok() {
        return error == null;
    }
}
