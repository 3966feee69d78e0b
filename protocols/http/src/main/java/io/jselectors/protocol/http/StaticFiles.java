package io.jselectors.protocol.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Answers GET and HEAD for the files under option {@code root}: content type by extension,
 * validators ({@code ETag}, {@code Last-Modified}) with their conditional requests (304), and one
 * byte range (206, or 416 when it lies past the end). Multiple ranges are not supported and get
 * the whole file (RFC 9110 section 14.2 lets a server ignore Range).
 *
 * <p>Looking a file up is a blocking filesystem call on the loop thread: cheap for files in the
 * page cache, which is what a static root on a server is expected to be.
 */
final class StaticFiles {

    /** What {@code Allow} says when a method other than these reaches a file path. */
    static final String ALLOW = "GET, HEAD";

    private final SafePath paths;

    StaticFiles(Path realRoot) {
        this.paths = new SafePath(realRoot);
    }

    /** Whether {@code index.html} exists in the root (then it, not the built-in page, answers {@code /}). */
    boolean hasIndex() {
        return paths.fileFor(paths.root()) != null;
    }

    HttpResponse serve(HttpRequest request) {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return HttpResponse.text(405, "405 Method Not Allowed\n").header("Allow", ALLOW);
        }
        Path file = paths.fileFor(paths.resolve(request.path()));
        if (file == null) {
            return notFound();
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return notFound();
        }
        long size = attributes.size();
        long modifiedMillis = attributes.lastModifiedTime().toMillis();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedMillis) + "\"";
        String lastModified = DateCache.format(modifiedMillis);

        if (notModified(request, etag, modifiedMillis / 1000)) {
            return HttpResponse.empty(304).header("ETag", etag).header("Last-Modified", lastModified);
        }
        String range = request.header("Range");
        if (range != null && method.equals("GET") && ifRangeHolds(request.header("If-Range"), etag, lastModified)) {
            long[] span = ByteRange.parse(range, size);
            if (span == ByteRange.UNSATISFIABLE) {
                return HttpResponse.text(416, "416 Range Not Satisfiable\n").header("Content-Range", "bytes */" + size);
            }
            if (span != null) {
                long length = span[1] - span[0] + 1;
                return validators(HttpResponse.file(206, file, span[0], length), file, etag, lastModified)
                        .header("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + size);
            }
        }
        return validators(HttpResponse.file(200, file, 0, size), file, etag, lastModified).header("Accept-Ranges", "bytes");
    }

    private static HttpResponse validators(HttpResponse response, Path file, String etag, String lastModified) {
        return response.header("Content-Type", MimeTypes.of(file.getFileName().toString()))
                .header("ETag", etag)
                .header("Last-Modified", lastModified);
    }

    /** RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since. */
    private static boolean notModified(HttpRequest request, String etag, long modifiedSeconds) {
        String noneMatch = request.header("If-None-Match");
        if (noneMatch != null) {
            for (String candidate : noneMatch.split(",")) {
                String tag = candidate.trim();
                if (tag.equals("*") || weakTag(tag).equals(etag)) {
                    return true;
                }
            }
            return false;
        }
        String modifiedSince = request.header("If-Modified-Since");
        if (modifiedSince != null) {
            long since = DateCache.parse(modifiedSince);
            return since >= 0 && modifiedSeconds <= since;
        }
        return false;
    }

    /** If-Range (section 13.1.5): the range applies only if the representation is the one the client has. */
    private static boolean ifRangeHolds(String ifRange, String etag, String lastModified) {
        return ifRange == null || ifRange.trim().equals(etag) || ifRange.trim().equals(lastModified);
    }

    /** The weak comparison of section 8.8.3.2 ignores the {@code W/} prefix. */
    private static String weakTag(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static HttpResponse notFound() {
        return HttpResponse.text(404, "404 Not Found\n");
    }
}
