package io.ferry.proxy;

import io.ferry.config.Proxy;

/**
 * How a stream treats its connections after each transaction, from the options of its frontend and
 * backend combined as HAProxy does (the more closing one wins).
 */
enum ConnectionMode {
    /** {@code option http-keep-alive}, the default: both sides stay open. */
    KEEP_ALIVE,
    /** {@code option http-server-close}: the server side closes after each response. */
    SERVER_CLOSE,
    /** {@code option httpclose}: both sides close after each transaction. */
    CLOSE;

    /** The mode {@code p}'s own options ask for. */
    static ConnectionMode of(Proxy p) {
        return switch (p.httpMode()) {
            case HTTPCLOSE -> CLOSE;
            case HTTP_SERVER_CLOSE -> SERVER_CLOSE;
            default -> KEEP_ALIVE;
        };
    }

    /** The more closing of this mode and {@code other}: a frontend's mode with its backend's. */
    ConnectionMode with(ConnectionMode other) {
        return compareTo(other) >= 0 ? this : other;
    }

    boolean keepsServer() {
        return this == KEEP_ALIVE;
    }

    boolean keepsClient() {
        return this != CLOSE;
    }
}
