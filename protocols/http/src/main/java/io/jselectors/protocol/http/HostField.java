package io.jselectors.protocol.http;

/**
 * The syntax of a {@code Host} field value (RFC 9110 section 7.2): {@code uri-host [ ":" port ]},
 * where {@code uri-host} is an IP literal in brackets, or a reg-name of unreserved characters,
 * percent-encodings and sub-delims (an IPv4 address is one of those), possibly empty; the port is
 * digits. RFC 9112 section 3.2 makes a server answer 400 to anything else ({@code a b}, {@code
 * u@x}, {@code x/y}).
 */
final class HostField {

    private HostField() {}

    /** Whether {@code value} (already trimmed of surrounding whitespace) is a valid Host value. */
    static boolean isValid(String value) {
        int end = value.length();
        int i = 0;
        if (end > 0 && value.charAt(0) == '[') {
            int close = value.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = value.charAt(i);
                if (!(isUnreserved(c) || isSubDelim(c) || c == ':')) { // IPv6 and IPvFuture characters
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < end && value.charAt(i) != ':') {
                char c = value.charAt(i);
                if (c == '%') {
                    if (i + 2 >= end || !isHex(value.charAt(i + 1)) || !isHex(value.charAt(i + 2))) {
                        return false;
                    }
                    i += 3;
                } else if (isUnreserved(c) || isSubDelim(c)) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        if (i == end) {
            return true;
        }
        if (value.charAt(i) != ':') {
            return false;
        }
        for (i++; i < end; i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
