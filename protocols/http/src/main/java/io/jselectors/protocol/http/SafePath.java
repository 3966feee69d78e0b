package io.jselectors.protocol.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Maps a request path to a file under a root directory, so that nothing outside the root can ever
 * be named: %-escapes are decoded first (so {@code %2e%2e} is {@code ..}), then any {@code ..}
 * segment, NUL or backslash refuses the path outright (no attempt to "resolve" it), the result is
 * checked to lie under the root, and finally its real path (symbolic links followed) is checked
 * again, so a link pointing out of the root leads nowhere.
 */
final class SafePath {

    /** The file a directory is served as; there are no directory listings. */
    static final String INDEX = "index.html";

    private final Path root;

    /** {@code root} must be a real (absolute, link-free) path of a directory. */
    SafePath(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The existing regular file or directory {@code rawPath} names under the root, or {@code null}. */
    Path resolve(String rawPath) {
        String decoded = percentDecode(rawPath);
        if (decoded == null || decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return null;
        }
        Path path = root;
        for (String segment : decoded.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                return null;
            }
            try {
                path = path.resolve(segment);
            } catch (InvalidPathException e) {
                return null;
            }
        }
        if (!path.normalize().startsWith(root)) {
            return null;
        }
        return underRoot(path);
    }

    /** {@code path}, or the {@code index.html} inside it for a directory; {@code null} if neither is a file. */
    Path fileFor(Path path) {
        if (path != null && Files.isDirectory(path)) {
            path = underRoot(path.resolve(INDEX));
        }
        return path != null && Files.isRegularFile(path) ? path : null;
    }

    private Path underRoot(Path path) {
        try {
            Path real = path.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException e) {
            return null; // missing, unreadable, or a dangling link
        }
    }

    /** Decodes %XX escapes as UTF-8 bytes; {@code null} for a malformed escape or invalid UTF-8. */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
