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

    /** HAProxy 2.6's built-in messages, for every status {@code errorfile} and {@code deny_status} accept. */
    private static final Map<Integer, Message> MESSAGES = Map.ofEntries(
            Map.entry(200, new Message("OK", "Service ready.", false)),
            Map.entry(400, new Message("Bad request", "Your browser sent an invalid request.", true)),
            Map.entry(401, new Message("Unauthorized", "You need a valid user and password to access this content.", false)),
            Map.entry(403, new Message("Forbidden", "Request forbidden by administrative rules.", false)),
            Map.entry(404, new Message("Not Found", "The resource could not be found.", false)),
            Map.entry(405, new Message("Method Not Allowed",
                    "A request was made of a resource using a request method not supported by that resource", false)),
            Map.entry(407, new Message("Unauthorized", "You need a valid user and password to access this content.", false)),
            Map.entry(408, new Message("Request Time-out", "Your browser didn't send a complete request in time.", true)),
            Map.entry(414, new Message("Request-URI Too Long", "The request URI is too long.", true)),
            Map.entry(431, new Message("Request Header Fields Too Large",
                    "Your browser sent header fields that are too large.", true)),
            Map.entry(410, new Message("Gone", "The resource is no longer available and will not be available again.",
                    false)),
            Map.entry(413, new Message("Payload Too Large", "The request entity exceeds the maximum allowed.", false)),
            Map.entry(425, new Message("Too Early", "Your browser sent early data.", false)),
            Map.entry(429, new Message("Too Many Requests", "You have sent too many requests in a given amount of time.",
                    false)),
            Map.entry(500, new Message("Internal Server Error", "An internal server error occurred.", false)),
            // The leading dot is in HAProxy's own message.
            Map.entry(501, new Message("Not Implemented",
                    ".The server does not support the functionality required to fulfill the request.", false)),
            Map.entry(502, new Message("Bad Gateway", "The server returned an invalid or incomplete response.", false)),
            Map.entry(503, new Message("Service Unavailable", "No server is available to handle this request.", false)),
            Map.entry(504, new Message("Gateway Time-out", "The server didn't respond in time.", false)));

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
