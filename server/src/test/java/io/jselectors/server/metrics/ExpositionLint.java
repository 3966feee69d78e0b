package io.jselectors.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Prometheus text exposition (format 0.0.4) against the naming conventions
 * (https://prometheus.io/docs/practices/naming/) in Java, beside {@code promtool check metrics}:
 * promtool does not flag a unit written twice ({@code _bytes_read_bytes_total}), a unit that is
 * not a base unit, or a gauge that reads NaN.
 */
public final class ExpositionLint {

    private static final Pattern TYPE = Pattern.compile("^# TYPE ([^ ]+) ([a-z]+)$");
    private static final Pattern HELP = Pattern.compile("^# HELP ([^ ]+) (.*)$");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ([^ ]+)( [0-9]+)?$");
    private static final Pattern NAME = Pattern.compile("[a-z_:][a-z0-9_:]*");
    /** Units Prometheus wants replaced by their base unit. */
    private static final List<String> NON_BASE_UNITS = List.of("milliseconds", "microseconds", "nanoseconds",
            "minutes", "hours", "kilobytes", "megabytes", "gigabytes", "bits", "percent", "ms", "millis");
    /**
     * Base units and the counter suffix: each belongs once in a name, as its suffix. (Micrometer's
     * JVM binders repeat plain nouns, {@code jvm_threads_live_threads}; that is their convention for
     * a unitless count, and tools read it fine.)
     */
    private static final List<String> UNITS = List.of("bytes", "seconds", "ratio", "total");

    private ExpositionLint() {}

    /** One metric family: its name, type, help and samples ({@code name{labels}} to value). */
    public record Family(String name, String type, String help, Map<String, String> samples) {}

    /** Parses the families of {@code text}. */
    public static Map<String, Family> parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, Map<String, String>> samples = new LinkedHashMap<>();
        String current = null;
        for (String line : text.split("\n")) {
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                current = m.group(1);
                types.put(current, m.group(2));
                samples.putIfAbsent(current, new LinkedHashMap<>());
            } else if ((m = HELP.matcher(line)).matches()) {
                helps.put(m.group(1), m.group(2));
            } else if ((m = SAMPLE.matcher(line)).matches() && current != null) {
                String labels = m.group(2) == null ? "" : m.group(2);
                samples.get(current).put(m.group(1) + labels, m.group(3));
            }
        }
        Map<String, Family> out = new LinkedHashMap<>();
        types.forEach((name, type) -> out.put(name, new Family(name, type, helps.get(name), samples.get(name))));
        return out;
    }

    /** Every convention {@code family} breaks, as readable lines; empty when it follows them all. */
    public static List<String> problems(Family family) {
        List<String> out = new ArrayList<>();
        String name = family.name();
        if (!NAME.matcher(name).matches()) {
            out.add(name + ": names are lower_snake_case");
        }
        if (family.help() == null || family.help().isBlank()) {
            out.add(name + ": no HELP text");
        }
        boolean total = name.endsWith("_total");
        if (family.type().equals("counter") != total) {
            out.add(name + ": " + (total ? "only counters end in _total" : "a counter ends in _total"));
        }
        if (!family.type().equals("histogram") && !family.type().equals("summary")
                && (name.endsWith("_count") || name.endsWith("_sum") || name.endsWith("_bucket"))) {
            out.add(name + ": _count, _sum and _bucket belong to histograms and summaries");
        }
        List<String> words = List.of(name.split("_"));
        for (String unit : NON_BASE_UNITS) {
            if (words.contains(unit)) {
                out.add(name + ": '" + unit + "' is not a base unit (use seconds, bytes, ratio)");
            }
        }
        for (String unit : UNITS) {
            if (words.indexOf(unit) != words.lastIndexOf(unit)) {
                out.add(name + ": '" + unit + "' appears twice");
            }
        }
        return out;
    }

    /** The gauge samples of {@code families} whose value is not a finite number. */
    public static List<String> gaugesNotANumber(Map<String, Family> families) {
        List<String> out = new ArrayList<>();
        for (Family f : families.values()) {
            if (f.type().equals("gauge")) {
                f.samples().forEach((series, value) -> {
                    if (!Double.isFinite(Double.parseDouble(value))) {
                        out.add(series + " = " + value);
                    }
                });
            }
        }
        return out;
    }
}
