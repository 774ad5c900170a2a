package io.ferry.net;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One listening socket and the connection limits it answers to (global, frontend, bind). It
 * accepts only while none of them is reached.
 */
public final class Listener {

    private final String description;
    private final List<ConnectionLimit> limits;
    private volatile Channel channel;

    Listener(String description, List<ConnectionLimit> limits) {
        this.description = description;
        this.limits = limits;
    }

    /** The address it listens on (with the real port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public List<ConnectionLimit> limits() {
        return limits;
    }

    public String description() {
        return description;
    }

    void bound(Channel serverChannel) {
        this.channel = serverChannel;
    }

    Channel channel() {
        return channel;
    }

    boolean mayAccept() {
        for (ConnectionLimit l : limits) {
            if (l.reached()) {
                return false;
            }
        }
        return true;
    }

    /** Pauses or resumes accepting according to the limits. */
    void refresh() {
        Channel c = channel;
        if (c != null && c.isOpen()) {
            boolean accept = mayAccept();
            if (c.config().isAutoRead() != accept) {
                c.config().setAutoRead(accept);
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
