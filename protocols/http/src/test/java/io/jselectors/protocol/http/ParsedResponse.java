package io.jselectors.protocol.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A response read back from a test connection's output, strictly: the tests check the framing too. */
record ParsedResponse(int status, Map<String, String> headers, String body) {

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every response in {@code output}; each must be complete (Content-Length framed). */
    static List<ParsedResponse> all(String output) {
        List<ParsedResponse> responses = new ArrayList<>();
        int at = 0;
        while (at < output.length()) {
            int end = output.indexOf("\r\n\r\n", at);
            if (end < 0) {
                throw new AssertionError("incomplete response head at " + at + ": " + output.substring(at));
            }
            String[] lines = output.substring(at, end).split("\r\n");
            if (!lines[0].startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not a status line: " + lines[0]);
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
                if (headers.put(name, lines[i].substring(colon + 1).trim()) != null) {
                    throw new AssertionError("field sent twice: " + name);
                }
            }
            at = end + 4;
            int length = status < 200 || status == 204 || status == 304 ? 0 : Integer.parseInt(headers.get("content-length"));
            if (at + length > output.length()) {
                throw new AssertionError("body shorter than Content-Length " + length);
            }
            responses.add(new ParsedResponse(status, headers, output.substring(at, at + length)));
            at += length;
        }
        return responses;
    }

    /** The one response in {@code output}. */
    static ParsedResponse one(String output) {
        List<ParsedResponse> responses = all(output);
        if (responses.size() != 1) {
            throw new AssertionError("expected one response, got " + responses.size() + ":\n" + output);
        }
        return responses.getFirst();
    }
}
