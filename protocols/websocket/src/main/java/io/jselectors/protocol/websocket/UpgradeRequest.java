package io.jselectors.protocol.websocket;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an HTTP/1.1 request the WebSocket handshake looks at, independent of how the http
 * module represents requests.
 *
 * @param method the request method, as sent
 * @param headers every field, by name (any case), with each line's value in arrival order
 */
public record UpgradeRequest(String method, Map<String, List<String>> headers) {

    /** Copies {@code headers} into a case-insensitive map. */
    public UpgradeRequest {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> byName.merge(name, List.copyOf(values), (a, b) -> {
            var all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        headers = byName;
    }

    /** Every value of field {@code name} (lines and comma-separated elements), trimmed; empty if absent. */
    public List<String> elements(String name) {
        return headers.getOrDefault(name, List.of()).stream()
                .flatMap(line -> java.util.Arrays.stream(line.split(",")))
                .map(String::trim)
                .filter(element -> !element.isEmpty())
                .toList();
    }

    /** The single value of field {@code name}, or null if absent or sent more than once. */
    public String single(String name) {
        List<String> values = headers.getOrDefault(name, List.of());
        return values.size() == 1 ? values.get(0).trim() : null;
    }

    /** Whether field {@code name} lists {@code token}, compared without case. */
    public boolean hasToken(String name, String token) {
        String wanted = token.toLowerCase(Locale.ROOT);
        return elements(name).stream().anyMatch(element -> element.toLowerCase(Locale.ROOT).equals(wanted));
    }
}
