package io.ferry.http;

import java.net.SocketAddress;
import java.time.Instant;

/**
 * The last message a proxy refused, as {@code show errors} prints it: which proxy and side, the
 * peer, the rule broken and where, and the bytes read (at most {@code tune.bufsize}).
 *
 * @param event a number counting every capture since start, as HAProxy's {@code event #N}
 * @param proxy the frontend (requests) or backend (responses)
 * @param direction which message was refused
 * @param server for a response, the server that sent it; otherwise null
 * @param peer the client (requests) or server (responses) address
 * @param streamOffset bytes read on that connection before {@link #bytes} starts
 * @param position offset of the offending byte in {@link #bytes}
 * @param reason the rule broken
 */
public record CapturedError(long event, Instant when, String proxy, Direction direction, String server,
                            SocketAddress peer, long streamOffset, int position, String reason, int status,
                            byte[] bytes) {

    public enum Direction { REQUEST, RESPONSE }

    /** A copy of the captured bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
