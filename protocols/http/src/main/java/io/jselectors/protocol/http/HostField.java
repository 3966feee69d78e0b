package io.jselectors.protocol.http;

import java.nio.charset.StandardCharsets;

/**
 * The syntax of a {@code Host} field value (RFC 9110 section 7.2): {@code uri-host [ ":" port ]},
 * where {@code uri-host} is an IP literal in brackets, or a reg-name of unreserved characters,
 * percent-encodings and sub-delims (an IPv4 address is one of those), possibly empty; the port is
 * digits. RFC 9112 section 3.2 makes a server answer 400 to anything else ({@code a b}, {@code
 * u@x}, {@code x/y}).
 */
final class HostField {

    /**
     * The characters of a reg-name other than a percent-encoding, unreserved and sub-delims,
     * indexed by a byte's unsigned value: one lookup per character where a chain of comparisons
     * and a search of the sub-delims was in the /hello profile (bench/PROFILE.md, sixth pass).
     */
    private static final boolean[] NAME_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 128; c++) {
            NAME_CHAR[c] = isUnreserved((char) c) || isSubDelim((char) c);
        }
    }

    private HostField() {}

    /** Whether {@code value} (already trimmed of surrounding whitespace) is a valid Host value. */
    static boolean isValid(String value) {
        return isValid(value.getBytes(StandardCharsets.ISO_8859_1), 0, value.length());
    }

    /**
     * {@link #isValid(String)} on the field's bytes as received (ISO-8859-1, trimmed), so a request
     * is checked without making its Host value into a string (the per-request allocation of
     * {@code /hello}, before).
     */
    static boolean isValid(byte[] value, int from, int length) {
        int end = from + length;
        int i = from;
        if (i < end && value[i] == '[') {
            int close = indexOf(value, i, end, ']');
            if (close < i + 2) {
                return false;
            }
            for (i++; i < close; i++) {
                char c = (char) (value[i] & 0xff);
                if (!(isUnreserved(c) || isSubDelim(c) || c == ':')) { // IPv6 and IPvFuture characters
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < end && value[i] != ':') {
                char c = (char) (value[i] & 0xff);
                if (c == '%') {
                    if (i + 2 >= end || !isHex(value[i + 1]) || !isHex(value[i + 2])) {
                        return false;
                    }
                    i += 3;
                } else if (NAME_CHAR[c]) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        if (i == end) {
            return true;
        }
        if (value[i] != ':') {
            return false;
        }
        for (i++; i < end; i++) {
            if (value[i] < '0' || value[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** The index of the first {@code b} in {@code value[from, end)}, or -1. */
    private static int indexOf(byte[] value, int from, int end, char b) {
        for (int i = from; i < end; i++) {
            if (value[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
