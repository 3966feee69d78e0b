package io.jselectors.protocol.http;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level grammar of RFC 9110/9112 (tokens, field values, the request target) checked on a
 * line's bytes, and the strings the parser needs made without allocating for the common cases
 * (known methods and field names are shared constants).
 */
final class FieldSyntax {

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

    private FieldSyntax() {}

    /** The index of the first byte in {@code bytes[from, end)} that is not a token character, or {@code end}. */
    static int tokenEnd(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && isToken(bytes[i])) {
            i++;
        }
        return i;
    }

    /** The index of the first byte in {@code bytes[from, end)} not allowed in a request target, or {@code end}. */
    static int targetEnd(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && isTargetByte(bytes[i])) {
            i++;
        }
        return i;
    }

    /** Whether every byte of {@code bytes[from, end)} may be in a field value. */
    static boolean isFieldValue(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            if (!isFieldValueByte(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken(byte b) {
        return b >= 0 && TCHAR[b];
    }

    /** A byte allowed in a field value: VCHAR, SP, HTAB or obs-text; never CR, LF, NUL or DEL. */
    static boolean isFieldValueByte(byte b) {
        return b == '\t' || (b >= 0x20 && b != 0x7f) || b < 0;
    }

    /** A byte allowed in a request target: visible ASCII only (RFC 3986 characters, %-escaped otherwise). */
    static boolean isTargetByte(byte b) {
        return b > 0x20 && b < 0x7f;
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** The method in {@code bytes[from, from + length)}, a shared constant when it is a standard one. */
    static String method(byte[] bytes, int from, int length) {
        return shared(METHODS, bytes, from, length, false);
    }

    /** The field name in {@code bytes[from, from + length)}, a shared constant for common ones. */
    static String fieldName(byte[] bytes, int from, int length) {
        return shared(FIELD_NAMES, bytes, from, length, true);
    }

    static String latin1(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code bytes[from, from + length)} holds exactly the ASCII characters of {@code text}. */
    static boolean sameAscii(byte[] bytes, int from, int length, String text, boolean ignoreCase) {
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

    /** Whether {@code text} lists {@code token} (comma-separated, case-insensitive). */
    static boolean listContains(String text, String token) {
        for (String element : text.split(",")) {
            if (element.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
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
