package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.netty.channel.Channel;

/**
 * A connection to a server: owned by one stream while it carries a transaction, idle in its event
 * loop's {@link ServerPool} between transactions.
 */
final class ServerConnection {

    final Channel channel;
    final BackendServer server;
    /** Transactions sent on it so far. */
    int uses;
    /** The stream using it, or null while idle. */
    HttpStream owner;
    long idleSinceNanos;
    /** Whether it is in its loop's pool of idle connections. */
    boolean idle;

    ServerConnection(Channel channel, BackendServer server) {
        this.channel = channel;
        this.server = server;
    }

    /** HAProxy's "safe" connection: it has served two requests or more, so the server keeps connections alive. */
    boolean safe() {
        return uses >= 2;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public String toString() {
        return server + " " + channel;
    }
}
