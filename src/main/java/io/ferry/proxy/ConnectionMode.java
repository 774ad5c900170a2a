package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;

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

    static ConnectionMode of(Proxy frontend, Proxy backend) {
        if (frontend.option(ProxyOption.HTTPCLOSE) || backend.option(ProxyOption.HTTPCLOSE)) {
            return CLOSE;
        }
        if (frontend.option(ProxyOption.HTTP_SERVER_CLOSE) || backend.option(ProxyOption.HTTP_SERVER_CLOSE)) {
            return SERVER_CLOSE;
        }
        return KEEP_ALIVE;
    }

    boolean keepsServer() {
        return this == KEEP_ALIVE;
    }

    boolean keepsClient() {
        return this != CLOSE;
    }
}
