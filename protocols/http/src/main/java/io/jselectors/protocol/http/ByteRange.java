package io.jselectors.protocol.http;

/** Parses a single {@code Range: bytes=...} (RFC 9110 section 14.1.2) against a representation's size. */
final class ByteRange {

    /** The answer for a valid range that selects nothing of the file: 416. */
    static final long[] UNSATISFIABLE = new long[0];

    private ByteRange() {}

    /**
     * {@code {first, last}} (inclusive, clamped to the file), {@link #UNSATISFIABLE}, or {@code
     * null} when the header is to be ignored (not bytes, malformed, or several ranges).
     */
    static long[] parse(String header, long size) {
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = value.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (first.isEmpty()) {
            long suffix = number(last);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long from = number(first);
        long to = last.isEmpty() ? Long.MAX_VALUE : number(last);
        if (from < 0 || to < 0 || to < from) {
            return null;
        }
        if (from >= size) {
            return UNSATISFIABLE;
        }
        return new long[] {from, Math.min(to, size - 1)};
    }

    /** A non-negative decimal, or -1 if {@code digits} is not one (or too long to be a file offset). */
    private static long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(digits);
    }
}
