package io.ferry.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The responses Ferry sends itself when a request cannot be forwarded, with the status lines and
 * the small HTML bodies HAProxy sends, byte for byte.
 */
public final class HttpErrors {

    private record Message(String reason, String text, boolean close) {
    }

    private static final Map<Integer, Message> MESSAGES = Map.of(
            400, new Message("Bad request", "Your browser sent an invalid request.", true),
            403, new Message("Forbidden", "Request forbidden by administrative rules.", false),
            408, new Message("Request Time-out", "Your browser didn't send a complete request in time.", true),
            414, new Message("Request-URI Too Long", "The request URI is too long.", true),
            431, new Message("Request Header Fields Too Large", "Your browser sent header fields that are too large.",
                    true),
            500, new Message("Internal Server Error", "An internal server error occurred.", false),
            502, new Message("Bad Gateway", "The server returned an invalid or incomplete response.", false),
            503, new Message("Service Unavailable", "No server is available to handle this request.", false),
            504, new Message("Gateway Time-out", "The server didn't respond in time.", false));

    private HttpErrors() {
    }

    /** The body HAProxy sends with {@code status}. */
    public static String body(int status) {
        Message m = message(status);
        return "<html><body><h1>" + status + " " + m.reason() + "</h1>\n" + m.text() + "\n</body></html>\n";
    }

    /** Whether HAProxy closes the connection after this error whatever the client asked (400, 408). */
    public static boolean alwaysCloses(int status) {
        return message(status).close();
    }

    /**
     * A new response for {@code status}; {@code close} adds {@code connection: close}. The caller
     * owns (and sends or releases) it.
     */
    public static FullHttpResponse response(int status, boolean close) {
        Message m = message(status);
        byte[] body = body(status).getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(status, m.reason()),
                Unpooled.wrappedBuffer(body));
        r.headers().add("content-length", body.length);
        r.headers().add("cache-control", "no-cache");
        r.headers().add("content-type", "text/html");
        if (close) {
            r.headers().add("connection", "close");
        }
        return r;
    }

    private static Message message(int status) {
        Message m = MESSAGES.get(status);
        if (m == null) {
            throw new IllegalArgumentException("no error message for status " + status);
        }
        return m;
    }
}
