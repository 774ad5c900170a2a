package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.config.Proxy;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The idle server connections of one event loop, per server. Used from that event loop only, so
 * without locks; a connection is reused only by a stream on the same loop, which keeps both
 * connections of a stream on one thread.
 *
 * <p>An idle connection is closed after {@link #PURGE_DELAY_MS} (HAProxy's {@code pool-purge-delay}),
 * or at once when the server closes it or sends anything.
 */
final class ServerPool {

    static final long PURGE_DELAY_MS = 5000;

    private final EventLoop loop;
    private final Map<BackendServer, ArrayDeque<ServerConnection>> idle = new HashMap<>();
    private boolean purgeScheduled;

    ServerPool(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * An idle connection to {@code server} that {@code reuse} allows for this request, or null.
     *
     * @param firstRequest whether it is the first request of its client connection
     */
    ServerConnection take(BackendServer server, Proxy.HttpReuse reuse, boolean firstRequest) {
        ArrayDeque<ServerConnection> q = idle.get(server);
        if (q == null || reuse == Proxy.HttpReuse.NEVER || (firstRequest && reuse == Proxy.HttpReuse.SAFE)) {
            return null;
        }
        for (Iterator<ServerConnection> it = q.descendingIterator(); it.hasNext(); ) {
            ServerConnection c = it.next();
            if (!firstRequest || reuse == Proxy.HttpReuse.ALWAYS || c.uses >= 2) {
                it.remove();
                if (c.isOpen()) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Parks a connection whose transaction completed cleanly. */
    void park(ServerConnection c) {
        c.owner = null;
        c.idleSinceNanos = System.nanoTime();
        idle.computeIfAbsent(c.server, s -> new ArrayDeque<>()).addLast(c);
        // Read so that a close or stray bytes from the server are noticed while idle.
        c.channel.read();
        if (!purgeScheduled) {
            purgeScheduled = true;
            loop.schedule(this::purge, PURGE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Forgets a connection (it closed while idle). */
    void remove(ServerConnection c) {
        ArrayDeque<ServerConnection> q = idle.get(c.server);
        if (q != null) {
            q.remove(c);
        }
    }

    /** Idle connections now, over all servers. */
    int size() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private void purge() {
        purgeScheduled = false;
        long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(PURGE_DELAY_MS);
        boolean left = false;
        for (ArrayDeque<ServerConnection> q : idle.values()) {
            for (Iterator<ServerConnection> it = q.iterator(); it.hasNext(); ) {
                ServerConnection c = it.next();
                if (c.idleSinceNanos <= limit) {
                    it.remove();
                    c.channel.close();
                } else {
                    left = true;
                }
            }
        }
        if (left) {
            purgeScheduled = true;
            loop.schedule(this::purge, PURGE_DELAY_MS / 5, TimeUnit.MILLISECONDS);
        }
    }

    /** Closes every idle connection (shutdown). */
    void closeAll() {
        for (ArrayDeque<ServerConnection> q : idle.values()) {
            for (ServerConnection c : q) {
                c.channel.close();
            }
            q.clear();
        }
    }
}
