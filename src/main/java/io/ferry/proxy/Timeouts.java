package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.ferry.config.TimeoutKind;

/**
 * The timeouts a stream uses, in milliseconds (0: infinite), taken from its frontend and backend
 * with HAProxy's fallbacks: {@code http-request} and {@code http-keep-alive} come from the
 * frontend; {@code http-keep-alive} falls back to {@code http-request}, and both fall back to
 * {@code client} (between reads) when unset; {@code queue} falls back to {@code connect}.
 */
record Timeouts(long client, long server, long connect, long queue, long httpRequest, long httpKeepAlive) {

    static long of(Proxy p, TimeoutKind kind) {
        return p.timeout(kind).map(l -> l.value()).orElse(0L);
    }

    static Timeouts of(Proxy frontend, Proxy backend) {
        long connect = of(backend, TimeoutKind.CONNECT);
        long queue = of(backend, TimeoutKind.QUEUE);
        long httpRequest = of(frontend, TimeoutKind.HTTP_REQUEST);
        long keepAlive = of(frontend, TimeoutKind.HTTP_KEEP_ALIVE);
        return new Timeouts(of(frontend, TimeoutKind.CLIENT), of(backend, TimeoutKind.SERVER), connect,
                queue > 0 ? queue : connect, httpRequest, keepAlive);
    }

    /** The idle wait for a next request: http-keep-alive, else http-request, else client. */
    long keepAliveWait() {
        return httpKeepAlive > 0 ? httpKeepAlive : httpRequest > 0 ? httpRequest : client;
    }

    /** The delay before retrying a server: HAProxy's turn-around of min(connect, 1 s). */
    long retryDelay() {
        return connect > 0 ? Math.min(connect, 1000) : 1000;
    }
}
