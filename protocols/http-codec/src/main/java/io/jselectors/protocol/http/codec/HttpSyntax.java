package io.jselectors.protocol.http.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level grammar of RFC 9110/9112 (tokens, field lines, field values, the request target)
 * checked on a line's bytes, and the strings a parser needs made without allocating for the common
 * cases (known methods and field names are shared constants). Every method is a pure function of
 * its arguments; none allocates except those that return a new string.
 */
public final class HttpSyntax {

    /**
     * Token characters, indexed by a byte's unsigned value: a table of 256 so that a lookup needs
     * no sign test (bytes of 0x80 and above are not token characters).
     */
    private static final boolean[] TCHAR = new boolean[256];

    /** Eight bytes of an array read as one {@code long}, the first byte in the lowest bits. */
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    /** Eight times 0x20 (SP), the lowest byte a field value takes without a closer look (HTAB is the other). */
    private static final long SPACES = 0x2020_2020_2020_2020L;
    /** Eight times 0x7f (DEL), the one byte above SP that no field value may hold. */
    private static final long DELS = 0x7f7f_7f7f_7f7f_7f7fL;
    /** Eight times 0x0a (LF). */
    private static final long LFS = 0x0A0A_0A0A_0A0A_0A0AL;

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /** Methods shared, not allocated per request; anything else is made into a new string. */
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};

    /** The fields a server reads for framing and persistence: {@link #fieldName} returns these very strings for them. */
    public static final String HOST = "Host";
    public static final String CONNECTION = "Connection";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String TRANSFER_ENCODING = "Transfer-Encoding";
    public static final String EXPECT = "Expect";

    /** Field names most requests carry, shared in this spelling whatever case the client used. */
    private static final String[] FIELD_NAMES = {
        HOST, "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", CONNECTION, CONTENT_LENGTH,
        "Content-Type", TRANSFER_ENCODING, EXPECT, "Cookie", "Cache-Control", "Pragma", "Referer", "Origin",
        "If-None-Match", "If-Modified-Since", "Range", "If-Range", "Authorization", "Upgrade-Insecure-Requests",
        "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest", "Priority", "Keep-Alive", "TE", "Upgrade"
    };

    /** {@link #METHODS} and {@link #FIELD_NAMES} as bytes, compared with the line without making a string. */
    private static final byte[][] METHOD_BYTES = ascii(METHODS);
    private static final byte[][] FIELD_NAME_BYTES = ascii(FIELD_NAMES);

    private HttpSyntax() {}

    private static byte[][] ascii(String[] texts) {
        byte[][] bytes = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            bytes[i] = texts[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }

    /** The index of the first byte in {@code bytes[from, end)} that is not a token character, or {@code end}. */
    public static int tokenEnd(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && isToken(bytes[i])) {
            i++;
        }
        return i;
    }

    /** The index of the first byte in {@code bytes[from, end)} not allowed in a request target, or {@code end}. */
    public static int targetEnd(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && isTargetByte(bytes[i])) {
            i++;
        }
        return i;
    }

    /**
     * The high bit of each byte of {@code word} (eight bytes, either order) below SP or equal to
     * DEL, HTAB, CR and LF included; exact up to the first such byte, the lowest in the word's
     * order: a byte above it may be flagged too. A high bit in {@code (x - SPACES) & ~x} is a byte
     * below 0x20; the same test on {@code x ^ DELS} is a byte equal to 0x7f.
     */
    public static long controlBytes(long word) {
        long d = word ^ DELS;
        return (((word - SPACES) & ~word) | ((d - ONES) & ~d)) & HIGHS;
    }

    /**
     * The high bit of each byte of {@code word} that is an LF; exact up to the first LF, the lowest
     * in the word's order (a byte above it may be flagged too), so with the first byte in the
     * lowest bits {@code numberOfTrailingZeros(lineFeeds(word)) >>> 3} is the first LF's index.
     */
    public static long lineFeeds(long word) {
        long x = word ^ LFS;
        return (x - ONES) & ~x & HIGHS;
    }

    /**
     * Whether every byte of {@code bytes[from, end)} may be in a field value. Eight bytes are
     * checked at a time for anything below SP or equal to DEL (obs-text, 0x80 and above, passes);
     * only a word holding such a byte is looked at byte by byte, where HTAB is the one allowed.
     */
    public static boolean isFieldValue(byte[] bytes, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            // A flagged word is decided byte by byte, so bytes flagged after the first control
            // byte (controlBytes is exact only up to it) never matter.
            if (controlBytes((long) WORD.get(bytes, i)) != 0 && !bytewiseFieldValue(bytes, i, i + Long.BYTES)) {
                return false;
            }
        }
        return bytewiseFieldValue(bytes, i, end);
    }

    private static boolean bytewiseFieldValue(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            if (!isFieldValueByte(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the colon of the field line {@code bytes[from, end)} ({@code name ":" value}, CRLF
     * excluded), or -1 if the line has no token before a colon: an empty name, whitespace before the
     * colon (RFC 9112 section 5.1 says to refuse it), obs-fold (a line starting with whitespace) or
     * any other byte not allowed in a field name.
     */
    public static int fieldColon(byte[] bytes, int from, int end) {
        int colon = tokenEnd(bytes, from, end);
        return colon == from || colon == end || bytes[colon] != ':' ? -1 : colon;
    }

    /** The first index in {@code bytes[from, end)} that is not SP or HTAB, or {@code end}: where a value starts. */
    public static int skipWhitespace(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && isWhitespace(bytes[i])) {
            i++;
        }
        return i;
    }

    /** The end of {@code bytes[from, end)} without its trailing SP and HTAB: where a value ends. */
    public static int trimWhitespace(byte[] bytes, int from, int end) {
        int i = end;
        while (i > from && isWhitespace(bytes[i - 1])) {
            i--;
        }
        return i;
    }

    /** A token character (RFC 9110 section 5.6.2), the bytes of methods, field names and codings. */
    public static boolean isToken(byte b) {
        return TCHAR[b & 0xff];
    }

    /** A byte allowed in a field value: VCHAR, SP, HTAB or obs-text; never CR, LF, NUL or DEL. */
    public static boolean isFieldValueByte(byte b) {
        return b == '\t' || (b >= 0x20 && b != 0x7f) || b < 0;
    }

    /** A byte allowed in a request target: visible ASCII only (RFC 3986 characters, %-escaped otherwise). */
    public static boolean isTargetByte(byte b) {
        return b > 0x20 && b < 0x7f;
    }

    /** SP or HTAB, the optional whitespace around values. */
    public static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** The method in {@code bytes[from, from + length)}, a shared constant when it is a standard one. */
    public static String method(byte[] bytes, int from, int length) {
        return shared(METHODS, METHOD_BYTES, bytes, from, length, false);
    }

    /**
     * {@link #fieldName}'s shared constant for {@code bytes[from, from + length)}, or {@code null}
     * when the name is not one of them: nothing is allocated, so a caller can make the string only
     * when someone asks for it.
     */
    public static String knownFieldName(byte[] bytes, int from, int length) {
        for (int k = 0; k < FIELD_NAME_BYTES.length; k++) {
            byte[] candidate = FIELD_NAME_BYTES[k];
            if (candidate.length == length && (sameBytes(bytes, from, candidate) || sameIgnoringCase(bytes, from, candidate))) {
                return FIELD_NAMES[k];
            }
        }
        return null;
    }

    /**
     * {@link #listContains(String, String)} on the bytes of a value, {@code bytes[from, end)}, so
     * that checking a field's tokens makes no string (ASCII {@code token}, compared in any case).
     */
    public static boolean listContains(byte[] bytes, int from, int end, String token) {
        int at = from;
        while (at <= end) {
            int comma = at;
            while (comma < end && bytes[comma] != ',') {
                comma++;
            }
            int start = skipWhitespace(bytes, at, comma);
            int stop = trimWhitespace(bytes, start, comma);
            if (sameAscii(bytes, start, stop - start, token, true)) {
                return true;
            }
            at = comma + 1;
        }
        return false;
    }

    /**
     * The field name in {@code bytes[from, from + length)}, a shared constant for common ones: for
     * {@link #HOST}, {@link #CONNECTION}, {@link #CONTENT_LENGTH}, {@link #TRANSFER_ENCODING} and
     * {@link #EXPECT}, in any case, always that constant, so that a caller may compare it by identity.
     */
    public static String fieldName(byte[] bytes, int from, int length) {
        return shared(FIELD_NAMES, FIELD_NAME_BYTES, bytes, from, length, true);
    }

    /** The bytes as a string, one char per byte (ISO-8859-1, what field values are on the wire). */
    public static String latin1(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code bytes[from, from + length)} holds exactly the ASCII characters of {@code text}. */
    public static boolean sameAscii(byte[] bytes, int from, int length, String text, boolean ignoreCase) {
        if (text == null || text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int b = bytes[from + i];
            int c = text.charAt(i);
            if (b != c && !(ignoreCase && toLower(b) == toLower(c))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} lists {@code token} (comma-separated, surrounding whitespace ignored, any case). */
    public static boolean listContains(String text, String token) {
        int from = 0;
        while (from <= text.length()) {
            int comma = text.indexOf(',', from);
            int end = comma < 0 ? text.length() : comma;
            int start = skipWhitespace(text, from, end);
            int stop = trimWhitespace(text, start, end);
            if (stop - start == token.length() && text.regionMatches(true, start, token, 0, token.length())) {
                return true;
            }
            from = end + 1;
        }
        return false;
    }

    /** {@link #skipWhitespace(byte[], int, int)} for a value already made into a string: the start of a list element. */
    public static int skipWhitespace(String text, int from, int end) {
        int i = from;
        while (i < end && isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** {@link #trimWhitespace(byte[], int, int)} for a value already made into a string: the end of a list element. */
    public static int trimWhitespace(String text, int from, int end) {
        int i = end;
        while (i > from && isWhitespace(text.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /**
     * The string of {@code known} whose bytes ({@code knownBytes}, same order) {@code bytes[from,
     * from + length)} spells, else a new string. Compared byte with byte, exact case first, so that
     * the usual spelling costs one pass and no string is looked at.
     */
    private static String shared(String[] known, byte[][] knownBytes, byte[] bytes, int from, int length, boolean ignoreCase) {
        for (int k = 0; k < knownBytes.length; k++) {
            byte[] candidate = knownBytes[k];
            if (candidate.length == length && (sameBytes(bytes, from, candidate) || (ignoreCase && sameIgnoringCase(bytes, from, candidate)))) {
                return known[k];
            }
        }
        return latin1(bytes, from, length);
    }

    /**
     * Whether {@code bytes[from, from + length)} holds exactly {@code candidate}: the string-free
     * form of {@link #sameAscii} for a constant kept as bytes.
     */
    public static boolean sameBytes(byte[] bytes, int from, int length, byte[] candidate) {
        return candidate != null && candidate.length == length && sameBytes(bytes, from, candidate);
    }

    private static boolean sameBytes(byte[] bytes, int from, byte[] candidate) {
        for (int i = 0; i < candidate.length; i++) {
            if (bytes[from + i] != candidate[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameIgnoringCase(byte[] bytes, int from, byte[] candidate) {
        for (int i = 0; i < candidate.length; i++) {
            if (toLower(bytes[from + i]) != toLower(candidate[i])) {
                return false;
            }
        }
        return true;
    }
}
