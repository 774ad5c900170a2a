package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.ferry.config.TimeoutKind;

/**
 * The timeouts of a {@code mode tcp} stream in milliseconds (0: infinite). {@code tunnel}, when
 * set, replaces {@code client} and {@code server} once the server is connected. The fin timeouts
 * apply to a side once Ferry has shut its output to that side and waits for that side's FIN; when
 * unset, Ferry uses min(the side's timeout, or the tunnel timeout when set, 30 s) rather than
 * HAProxy's fallback to the side's timeout, so that a vanished peer never holds two sockets for
 * the client timeout (24 h in the report that started this project).
 */
record TunnelTimeouts(long client, long server, long connect, long queue, long tunnel, long clientFin,
                      long serverFin) {

    /** The longest a half-closed side waits when its fin timeout is not set. */
    static final long DEFAULT_FIN_CAP_MS = 30_000;

    static TunnelTimeouts of(Proxy frontend, Proxy backend) {
        long client = Timeouts.of(frontend, TimeoutKind.CLIENT);
        long server = Timeouts.of(backend, TimeoutKind.SERVER);
        long connect = Timeouts.of(backend, TimeoutKind.CONNECT);
        long queue = Timeouts.of(backend, TimeoutKind.QUEUE);
        long tunnel = Timeouts.of(backend, TimeoutKind.TUNNEL);
        long clientFin = Timeouts.of(frontend, TimeoutKind.CLIENT_FIN);
        long serverFin = Timeouts.of(backend, TimeoutKind.SERVER_FIN);
        return new TunnelTimeouts(client, server, connect, queue > 0 ? queue : connect, tunnel,
                clientFin > 0 ? clientFin : defaultFin(client, tunnel),
                serverFin > 0 ? serverFin : defaultFin(server, tunnel));
    }

    /** Ferry's fin timeout when none is set: min(the side's timeout or the tunnel timeout, 30 s). */
    static long defaultFin(long side, long tunnel) {
        long base = tunnel > 0 ? tunnel : side;
        return base > 0 ? Math.min(base, DEFAULT_FIN_CAP_MS) : DEFAULT_FIN_CAP_MS;
    }

    long retryDelay() {
        return connect > 0 ? Math.min(connect, 1000) : 1000;
    }
}
