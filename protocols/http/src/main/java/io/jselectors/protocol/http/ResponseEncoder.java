package io.jselectors.protocol.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes responses as bytes: a response's status line and fields (encoded once for a frozen
 * response), then the per-request part, {@code Date} and {@code Connection}, then the content.
 */
final class ResponseEncoder {

    /** The interim response to {@code Expect: 100-continue}. */
    static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");

    /** Whether the response tells the client that the connection stays open, or closes. */
    enum ConnectionField {
        /** HTTP/1.1 persistence is the default: nothing to say. */
        NONE(new byte[0]),
        /** The connection closes after this response. */
        CLOSE(ascii("Connection: close\r\n")),
        /** An HTTP/1.0 client asked for keep-alive and gets it. */
        KEEP_ALIVE(ascii("Connection: keep-alive\r\n"));

        final byte[] line;

        ConnectionField(byte[] line) {
            this.line = line;
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private ResponseEncoder() {}

    /** Status line and fields, with Content-Length unless the status forbids content. */
    static byte[] encodeHead(HttpResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        int status = response.status();
        latin1(out, "HTTP/1.1 " + status + " " + HttpStatus.reason(status) + "\r\n");
        List<String> fields = response.fields();
        for (int i = 0; i < fields.size(); i += 2) {
            latin1(out, fields.get(i) + ": " + fields.get(i + 1) + "\r\n");
        }
        if (!HttpStatus.forbidsBody(status)) {
            latin1(out, "Content-Length: " + response.contentLength() + "\r\n");
        }
        return out.toByteArray();
    }

    /** An upper bound of what {@link #write} adds for {@code response} (file content excluded). */
    static int maxSize(HttpResponse response, byte[] dateLine, boolean headRequest) {
        int size = response.head().length + dateLine.length + 32;
        return headRequest ? size : size + response.body().length;
    }

    /**
     * Appends the whole response to {@code out} except the content of a file response, which is
     * streamed after it.
     */
    static void write(ByteBuf out, byte[] head, HttpResponse response, byte[] dateLine, ConnectionField connection, boolean headRequest) {
        out.writeBytes(head);
        out.writeBytes(dateLine);
        out.writeBytes(connection.line);
        out.writeBytes(CRLF);
        if (!headRequest && !HttpStatus.forbidsBody(response.status())) {
            out.writeBytes(response.body());
        }
    }

    /** What {@link #write} appends for a response without file content, as one array. */
    static byte[] encode(HttpResponse response, byte[] dateLine, ConnectionField connection, boolean headRequest) {
        ByteBuf buf = Unpooled.buffer(maxSize(response, dateLine, headRequest));
        write(buf, response.head(), response, dateLine, connection, headRequest);
        return ByteBufUtil.getBytes(buf);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void latin1(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
