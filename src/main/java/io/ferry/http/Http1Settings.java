package io.ferry.http;

/**
 * What one {@link Http1Decoder} enforces and where it reports what it refused.
 *
 * @param maxHead the largest head (start line, fields and the empty line), {@code tune.bufsize - tune.maxrewrite}
 * @param maxFields the most field lines in a head, {@code tune.http.maxhdr}
 * @param acceptInvalid {@code option accept-invalid-http-request} (requests) or {@code -response} (responses)
 * @param captures where a refused message is recorded
 * @param proxy the frontend (requests) or backend (responses) the connection belongs to
 * @param server for responses, the server's name; otherwise null
 */
public record Http1Settings(int maxHead, int maxFields, boolean acceptInvalid, ErrorCaptures captures, String proxy,
                            String server) {

    public Http1Settings {
        if (maxHead < 64 || maxFields < 1) {
            throw new IllegalArgumentException("maxHead " + maxHead + " or maxFields " + maxFields + " too small");
        }
    }
}
