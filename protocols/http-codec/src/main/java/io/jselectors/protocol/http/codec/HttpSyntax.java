package io.jselectors.protocol.http.codec;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level grammar of RFC 9110/9112 (tokens, field lines, field values, the request target)
 * checked on a line's bytes, and the strings a parser needs made without allocating for the common
 * cases (known methods and field names are shared constants). Every method is a pure function of
 * its arguments; none allocates except those that return a new string.
 */
public final class HttpSyntax {

    private static final boolean[] TCHAR = new boolean[128];

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

    /** Field names most requests carry, shared in this spelling whatever case the client used. */
    private static final String[] FIELD_NAMES = {
        "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Connection", "Content-Length",
        "Content-Type", "Transfer-Encoding", "Expect", "Cookie", "Cache-Control", "Pragma", "Referer", "Origin",
        "If-None-Match", "If-Modified-Since", "Range", "If-Range", "Authorization", "Upgrade-Insecure-Requests",
        "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest", "Priority", "Keep-Alive", "TE", "Upgrade"
    };

    private HttpSyntax() {}

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

    /** Whether every byte of {@code bytes[from, end)} may be in a field value. */
    public static boolean isFieldValue(byte[] bytes, int from, int end) {
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
        return b >= 0 && TCHAR[b];
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
        return shared(METHODS, bytes, from, length, false);
    }

    /** The field name in {@code bytes[from, from + length)}, a shared constant for common ones. */
    public static String fieldName(byte[] bytes, int from, int length) {
        return shared(FIELD_NAMES, bytes, from, length, true);
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

    private static String shared(String[] known, byte[] bytes, int from, int length, boolean ignoreCase) {
        for (String candidate : known) {
            if (sameAscii(bytes, from, length, candidate, ignoreCase)) {
                return candidate;
            }
        }
        return latin1(bytes, from, length);
    }
}
