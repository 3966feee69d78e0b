package io.jselectors.server.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the password of an encrypted private key comes from: a file ({@code file:PATH}, its first
 * line) or an environment variable ({@code env:NAME}). Never the command line itself, where every
 * user of the machine could read it in the process list.
 *
 * {@snippet :
 * KeyPassword password = KeyPassword.parse("env:TLS_KEY_PASSWORD");
 * char[] chars = password.read(System.getenv());
 * }
 *
 * @param kind {@code file} or {@code env}
 * @param where the file's path or the variable's name
 */
public record KeyPassword(String kind, String where) {

    public KeyPassword {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(where, "where");
        if (!kind.equals("file") && !kind.equals("env") || where.isEmpty()) {
            throw new IllegalArgumentException("key password source " + kind + ":" + where + ": expected file:PATH or env:NAME");
        }
    }

    /** Parses {@code file:PATH} or {@code env:NAME}; anything else is an IllegalArgumentException. */
    public static KeyPassword parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("key password source '" + spec + "': expected file:PATH or env:NAME");
        }
        return new KeyPassword(spec.substring(0, colon), spec.substring(colon + 1));
    }

    /** Reads the password now (files and variables may change between reloads). */
    public char[] read(Map<String, String> env) throws IOException {
        if (kind.equals("env")) {
            String value = env.get(where);
            if (value == null) {
                throw new IOException("key password: environment variable " + where + " is not set");
            }
            return value.toCharArray();
        }
        String text = Files.readString(Path.of(where), StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
    }

    @Override
    public String toString() {
        return kind + ":" + where;
    }
}
