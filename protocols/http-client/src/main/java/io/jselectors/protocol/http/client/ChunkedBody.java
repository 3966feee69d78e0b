package io.jselectors.protocol.http.client;

import io.jselectors.protocol.http.codec.ChunkedDecoder;
import io.jselectors.protocol.http.client.ResponseParser.MalformedResponseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * A chunked response body read from the client's {@code byte[]} reads through the codec's {@link
 * ChunkedDecoder}. The decoder finds a line where it lies in its buffer, so the bytes of a line
 * that has not ended yet are kept here and given again, before the next read's bytes, on the next
 * call (a copy only then; a client can afford it). One per connection, not thread-safe.
 */
final class ChunkedBody {

    /** Where the chunk data goes: exactly {@code n} bytes at {@code in}'s reader index, to be skipped. */
    interface Sink {
        void take(ByteBuf in, int n);
    }

    private static final byte[] NO_BYTES = {};

    private final ChunkedDecoder decoder;
    private byte[] unread = NO_BYTES;
    private boolean done;

    /** Lines of at most {@code maxLine} bytes; trailers of at most {@code maxTrailerBytes} in {@code maxTrailers} fields. */
    ChunkedBody(int maxLine, int maxTrailerBytes, int maxTrailers) {
        decoder = new ChunkedDecoder(Long.MAX_VALUE, maxLine, maxTrailerBytes, maxTrailers);
    }

    void reset() {
        decoder.reset();
        unread = NO_BYTES;
        done = false;
    }

    /**
     * Decodes {@code b[off, off + len)} and returns how many of those bytes it used: all of them
     * unless the body ended within them ({@link #done()}); the rest belongs to no request we sent.
     *
     * @throws MalformedResponseException if the framing is wrong; the codec's message says how
     */
    int feed(byte[] b, int off, int len, Sink sink) throws MalformedResponseException {
        int kept = unread.length;
        ByteBuf in;
        if (kept == 0) {
            in = Unpooled.wrappedBuffer(b, off, len);
        } else {
            byte[] joined = Arrays.copyOf(unread, kept + len);
            System.arraycopy(b, off, joined, kept, len);
            in = Unpooled.wrappedBuffer(joined);
        }
        while (true) {
            int n = decoder.next(in);
            if (n > 0) {
                sink.take(in, n);
            } else if (n == ChunkedDecoder.NEED_MORE) {
                unread = ByteBufUtil.getBytes(in);
                return len;
            } else if (n == ChunkedDecoder.DONE) {
                unread = NO_BYTES;
                done = true;
                return in.readerIndex() - kept;
            } else {
                throw new MalformedResponseException(decoder.error());
            }
        }
    }

    /** Whether the last chunk and the trailers have been read. */
    boolean done() {
        return done;
    }
}
