package io.ferry.http;

import io.ferry.config.Located;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One proxy's {@code errorfile}s, read at start: each file is a whole HTTP response, sent instead
 * of the built-in one ({@link HttpErrors}) for its status. As in HAProxy the backend's pages are
 * looked up first, then the frontend's ({@link #find}); header names are sent in lower case; a page
 * without {@code Content-Length} (nor chunked encoding) ends when the connection closes; an empty
 * file sends nothing and closes the connection (the usual {@code errorfile 408 /dev/null}).
 */
public final class ErrorPages {

    /** A status's response: a file's, or the built-in one. */
    public static final class Page {
        private final int status;
        private final HttpVersion version;
        private final HttpResponseStatus line;
        private final String[][] headers;
        private final byte[] body;
        private final boolean closes;
        private final boolean empty;

        private Page(int status, HttpVersion version, HttpResponseStatus line, String[][] headers, byte[] body,
                     boolean closes, boolean empty) {
            this.status = status;
            this.version = version;
            this.line = line;
            this.headers = headers;
            this.body = body;
            this.closes = closes;
            this.empty = empty;
        }

        /** Whether the connection must be closed after it (400, 408, a page without length, an empty file). */
        public boolean closes() {
            return closes;
        }

        /** Whether there is nothing to send (an empty file): the connection is just closed. */
        public boolean empty() {
            return empty;
        }

        /** A new response (the caller sends or releases it); {@code close} adds {@code connection: close}. */
        public FullHttpResponse response(boolean close) {
            if (headers == null) {
                return HttpErrors.response(status, close);
            }
            FullHttpResponse r = new DefaultFullHttpResponse(version, line, Unpooled.wrappedBuffer(body));
            for (String[] h : headers) {
                r.headers().add(h[0], h[1]);
            }
            if (close && version.equals(HttpVersion.HTTP_1_1)) {
                r.headers().add("connection", "close");
            }
            return r;
        }
    }

    /**
     * Headers of a file not sent as written: Ferry writes its own {@code connection} header, and a
     * chunked file body is sent as it is, so without a length the page ends with the connection.
     */
    private static final java.util.Set<String> DROPPED = java.util.Set.of("connection", "keep-alive",
            "proxy-connection", "transfer-encoding");

    private static final ErrorPages NONE = new ErrorPages(Map.of());

    private final Map<Integer, Page> pages;

    private ErrorPages(Map<Integer, Page> pages) {
        this.pages = pages;
    }

    /** The pages of a proxy's {@code errorfile} lines (already checked by the configuration parser). */
    public static ErrorPages of(Map<Integer, Located<byte[]>> files) {
        if (files.isEmpty()) {
            return NONE;
        }
        Map<Integer, Page> out = new HashMap<>();
        files.forEach((status, file) -> out.put(status, parse(status, file.value())));
        return new ErrorPages(Map.copyOf(out));
    }

    /** The page for {@code status}: {@code first}'s (may be null), else {@code second}'s, else the built-in one. */
    public static Page find(int status, ErrorPages first, ErrorPages second) {
        Page p = first == null ? null : first.pages.get(status);
        if (p == null) {
            p = second.pages.get(status);
        }
        return p != null ? p : new Page(status, null, null, null, null, HttpErrors.alwaysCloses(status), false);
    }

    /** Parses {@code HTTP/1.x CODE REASON}, header lines and the body after the first empty line. */
    private static Page parse(int status, byte[] file) {
        if (file.length == 0) {
            return new Page(status, null, null, null, null, true, true);
        }
        String text = new String(file, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        int bodyStart = headEnd + 4;
        if (headEnd < 0 || (text.indexOf("\n\n") >= 0 && text.indexOf("\n\n") < headEnd)) {
            headEnd = text.indexOf("\n\n");
            bodyStart = headEnd + 2;
        }
        if (headEnd < 0) {
            headEnd = text.length();
            bodyStart = text.length();
        }
        String[] lines = text.substring(0, headEnd).split("\r?\n");
        String[] first = lines[0].split(" ", 3);
        HttpVersion version = HttpVersion.valueOf(first[0]);
        int code = first.length > 1 && first[1].strip().matches("[1-5][0-9][0-9]") ? Integer.parseInt(first[1].strip())
                : status;
        HttpResponseStatus line = new HttpResponseStatus(code, first.length > 2 ? first[2].strip() : "");
        java.util.List<String[]> headers = new java.util.ArrayList<>();
        boolean delimited = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            if (DROPPED.contains(name)) {
                continue;
            }
            delimited |= name.equals("content-length");
            headers.add(new String[] {name, value});
        }
        byte[] body = java.util.Arrays.copyOfRange(file, Math.min(bodyStart, file.length), file.length);
        return new Page(status, version, line, headers.toArray(new String[0][]), body,
                !delimited || HttpErrors.alwaysCloses(status), false);
    }
}
