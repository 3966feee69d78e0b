package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code Date} field line of one loop, formatted at most once a second of the loop's clock,
 * so that a response costs a copy of 37 bytes instead of a date formatting; and the whole encoded
 * form of a frozen response answered twice in a row with the same line ({@link #repeated}), so that
 * pipelined answers to one route cost one copy instead of five. Confined to its loop.
 */
final class DateCache {

    /** How long a formatted date is reused: the field has one-second resolution (RFC 9110 section 5.6.7). */
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoop loop;
    private final Clock clock;
    private byte[] line;
    private long formattedAt;
    /** The last frozen response {@link #repeated} saw, how it was answered, and its bytes once encoded whole. */
    private HttpResponse lastResponse;
    private byte[] lastLine;
    private ResponseEncoder.ConnectionField lastConnection;
    private boolean lastHead;
    private byte[] encoded;

    DateCache(EventLoop loop, Clock clock) {
        this.loop = loop;
        this.clock = clock;
    }

    /** {@code Date: <IMF-fixdate>\r\n}, refreshed if the loop's clock moved on by a second (its turn clock: no clock read per response). */
    byte[] line() {
        long now = loop.turnNanos();
        if (line == null || now - formattedAt >= REFRESH_NANOS) {
            line = ("Date: " + format(clock.millis()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            formattedAt = now;
        }
        return line;
    }

    /**
     * The whole bytes of {@code response} answered with {@code dateLine} (this second's {@link
     * #line()}), when the previous call asked for the same frozen response answered the same way;
     * else {@code null}, and the caller encodes it piece by piece. Encoding on the second sighting
     * only keeps routes that alternate from allocating an encoding per answer.
     */
    byte[] repeated(HttpResponse response, byte[] dateLine, ResponseEncoder.ConnectionField connection, boolean headRequest) {
        if (!response.isFrozen()) {
            return null;
        }
        boolean same = response == lastResponse && dateLine == lastLine && connection == lastConnection
                && headRequest == lastHead;
        if (!same) {
            lastResponse = response;
            lastLine = dateLine;
            lastConnection = connection;
            lastHead = headRequest;
            encoded = null;
            return null;
        }
        if (encoded == null) {
            encoded = ResponseEncoder.encode(response, dateLine, connection, headRequest);
        }
        return encoded;
    }

    /** IMF-fixdate (RFC 9110 section 5.6.7): always two-digit days, always GMT. */
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** An IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The seconds since the epoch of an IMF-fixdate, or -1 if {@code text} is not one. */
    static long parse(String text) {
        try {
            return ZonedDateTime.parse(text.trim(), IMF_FIXDATE).toEpochSecond();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
