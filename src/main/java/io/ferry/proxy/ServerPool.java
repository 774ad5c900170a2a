package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.config.Proxy;
import io.ferry.net.LoopThread;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server connections of one event loop, per server: how many are open, and the idle ones. Used
 * from that event loop only, so without locks; a connection is reused only by a stream on the same
 * loop, which keeps both connections of a stream on one thread.
 *
 * <p>As in HAProxy, a connection whose transaction ended is kept idle only while the pool holds no
 * more than the loop is estimated to need: the connections in use plus the idle ones may not exceed
 * the most used at once lately ({@link #estimate}). A connection that has served two requests or
 * more ("safe") is kept when no other safe one is idle, and the first idle one always is. Any other
 * is closed at once, so a burst of short client connections does not leave a server connection
 * behind each.
 *
 * <p>An idle connection is closed after {@link #PURGE_DELAY_MS} (HAProxy's {@code pool-purge-delay}),
 * or at once when the server closes it or sends anything.
 */
final class ServerPool {

    static final long PURGE_DELAY_MS = 5000;

    private final EventLoop loop;
    private final Map<BackendServer, Slot> slots = new HashMap<>();
    private boolean purgeScheduled;
    private long lastEstimateNanos = System.nanoTime();

    /** One server's connections on this loop. */
    private static final class Slot {
        final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
        /** Open connections, idle or not. */
        int open;
        /** Idle connections that have served two requests or more. */
        int safeIdle;
        /** The most connections in use at once since the last estimate. */
        int maxUsed;
        /** HAProxy's {@code est_need_conns}: how many connections the loop needs, from the last periods. */
        int estNeed;

        int used() {
            return open - idle.size();
        }

        void noteUse() {
            maxUsed = Math.max(maxUsed, used());
        }
    }

    ServerPool(EventLoop loop) {
        this.loop = loop;
    }

    private Slot slot(BackendServer server) {
        return slots.computeIfAbsent(server, s -> new Slot());
    }

    /** Counts a new connection to its server until it closes. */
    void opened(ServerConnection c) {
        Slot s = slot(c.server);
        s.open++;
        s.noteUse();
        c.channel.closeFuture().addListener(f -> closed(c, s));
    }

    /** A connection closed, idle (the server closed it or spoke) or not: it leaves the counts and the pool. */
    private void closed(ServerConnection c, Slot s) {
        if (c.idle) {
            s.idle.remove(c);
            unmark(c, s);
        }
        s.open--;
    }

    /**
     * An idle connection to {@code server} that {@code reuse} allows for this request, or null.
     *
     * @param firstRequest whether it is the first request of its client connection
     */
    ServerConnection take(BackendServer server, Proxy.HttpReuse reuse, boolean firstRequest) {
        Slot s = slots.get(server);
        if (s == null || s.idle.isEmpty() || reuse == Proxy.HttpReuse.NEVER
                || (firstRequest && reuse == Proxy.HttpReuse.SAFE)) {
            return null;
        }
        for (Iterator<ServerConnection> it = s.idle.descendingIterator(); it.hasNext(); ) {
            ServerConnection c = it.next();
            if (!firstRequest || reuse == Proxy.HttpReuse.ALWAYS || c.safe()) {
                it.remove();
                unmark(c, s);
                if (c.isOpen()) {
                    s.noteUse();
                    return c;
                }
            }
        }
        return null;
    }

    /**
     * A connection whose transaction completed cleanly: kept idle if the pool has room for it,
     * closed otherwise. Returns whether it was kept.
     */
    boolean park(ServerConnection c) {
        c.owner = null;
        Slot s = slot(c.server);
        int used = s.used();
        boolean keep = (s.safeIdle == 0 && (c.safe() || s.idle.isEmpty()))
                || used + s.idle.size() <= Math.max(used, Math.max(s.estNeed, s.maxUsed));
        if (!keep) {
            c.channel.close();
            return false;
        }
        c.idle = true;
        c.idleSinceNanos = LoopThread.nanoTime();
        if (c.safe()) {
            s.safeIdle++;
        }
        s.idle.addLast(c);
        // Read so that a close or stray bytes from the server are noticed while idle.
        c.channel.read();
        if (!purgeScheduled) {
            purgeScheduled = true;
            loop.schedule(this::purge, PURGE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    private static void unmark(ServerConnection c, Slot s) {
        if (c.idle) {
            c.idle = false;
            if (c.safe()) {
                s.safeIdle--;
            }
        }
    }

    /** Idle connections now, over all servers. */
    int size() {
        return slots.values().stream().mapToInt(s -> s.idle.size()).sum();
    }

    /** Open connections to {@code server} on this loop, idle or not. */
    int open(BackendServer server) {
        Slot s = slots.get(server);
        return s == null ? 0 : s.open;
    }

    /**
     * HAProxy's estimate at each purge: the need is the mean of the last estimate and the most used
     * at once since, and never less than the latter; the count of the most used starts again from
     * the connections in use now.
     */
    void estimate() {
        for (Slot s : slots.values()) {
            s.estNeed = Math.max((s.estNeed + s.maxUsed) / 2, s.maxUsed);
            s.maxUsed = s.used();
        }
    }

    private void purge() {
        purgeScheduled = false;
        long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(PURGE_DELAY_MS);
        if (lastEstimateNanos <= limit) {
            lastEstimateNanos = System.nanoTime();
            estimate();
        }
        boolean left = false;
        for (Slot s : slots.values()) {
            for (Iterator<ServerConnection> it = s.idle.iterator(); it.hasNext(); ) {
                ServerConnection c = it.next();
                if (c.idleSinceNanos <= limit) {
                    it.remove();
                    unmark(c, s);
                    c.channel.close();
                } else {
                    left = true;
                }
            }
        }
        slots.values().removeIf(s -> s.open == 0 && s.maxUsed == 0 && s.estNeed == 0);
        if (left) {
            purgeScheduled = true;
            loop.schedule(this::purge, PURGE_DELAY_MS / 5, TimeUnit.MILLISECONDS);
        }
    }

    /** Closes every idle connection (shutdown). */
    void closeAll() {
        for (Slot s : slots.values()) {
            for (ServerConnection c : s.idle) {
                c.idle = false;
                c.channel.close();
            }
            s.idle.clear();
            s.safeIdle = 0;
        }
    }
}
