package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.BalanceKey;
import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.Set;

/**
 * How one request (HTTP) or one connection (TCP) gets a server slot: the balancer's choice among
 * servers with a free slot, else a place in the backend's queue; after a failed connect, the
 * retries (same server, another on the last one with {@code option redispatch}). Used from the
 * stream's event loop only. The stream owns the slot it is given and gives it back with
 * {@link Backend#release}.
 */
final class ServerAttempts {

    /** What {@link #choose} and {@link #retry} achieved. */
    enum Outcome {
        /** {@link #server()} holds a slot for the stream. */
        SERVER,
        /** Waiting in the queue; {@link QueueEntry.Waiter#dequeued} follows unless the stream leaves. */
        QUEUED,
        /** No server at all, or the queue is full. */
        REFUSED
    }

    private final Backend backend;
    private final BalanceKey key;
    private final QueueEntry.Waiter waiter;
    private final EventLoop loop;
    /** The servers that failed this request; made on the first failure (most requests have none). */
    private Set<BackendServer> failed = Set.of();
    private int retriesLeft;
    private BackendServer server;
    private BackendServer lastFailed;
    private QueueEntry queueEntry;

    ServerAttempts(Backend backend, BalanceKey key, QueueEntry.Waiter waiter, EventLoop loop) {
        this.backend = backend;
        this.key = key;
        this.waiter = waiter;
        this.loop = loop;
        this.retriesLeft = backend.model.retries();
    }

    /** The server whose slot the stream now holds, after {@link Outcome#SERVER} or {@link #dequeued}. */
    BackendServer server() {
        return server;
    }

    Outcome choose() {
        if (!backend.balancer.hasServers()) {
            return Outcome.REFUSED;
        }
        BackendServer s = backend.balancer.pickWithSlot(key, failed);
        if (s != null) {
            server = s;
            return Outcome.SERVER;
        }
        QueueEntry e = new QueueEntry(waiter, backend, loop, key);
        queueEntry = e;
        if (!backend.enqueue(e)) {
            queueEntry = null;
            return Outcome.REFUSED;
        }
        return Outcome.QUEUED;
    }

    /** A slot arrived through the queue: true when it is for the current wait (then {@link #server()} is set). */
    boolean dequeued(QueueEntry e, BackendServer s) {
        if (e != queueEntry) {
            return false;
        }
        queueEntry = null;
        server = s;
        return true;
    }

    boolean queued() {
        return queueEntry != null;
    }

    /**
     * The queue timeout passed: leaves the queue, unless a slot is already on its way (false: the
     * stream keeps waiting for it, briefly).
     */
    boolean giveUpWaiting() {
        if (queueEntry == null || !queueEntry.cancel()) {
            return false;
        }
        backend.remove(queueEntry);
        queueEntry = null;
        return true;
    }

    /**
     * Leaves the queue for good (the stream ends or answers by itself). A slot already on its way
     * is then refused by {@link #dequeued} and given back. False in that case.
     */
    boolean leaveQueue() {
        if (queueEntry == null) {
            return true;
        }
        boolean left = queueEntry.cancel();
        if (left) {
            backend.remove(queueEntry);
        }
        queueEntry = null;
        return left;
    }

    /** Connecting to {@code s} failed: its slot goes back to the backend; true when a retry is due. */
    boolean connectFailed(BackendServer s) {
        backend.release(s);
        if (failed.isEmpty()) {
            failed = new HashSet<>();
        }
        failed.add(s);
        lastFailed = s;
        server = null;
        if (retriesLeft > 0) {
            retriesLeft--;
            return true;
        }
        return false;
    }

    /** The retry after the turn-around delay: the same server, or another on the last one with redispatch. */
    Outcome retry() {
        BackendServer next = lastFailed;
        // A server marked down meanwhile is left at once with redispatch (HAProxy redispatches then too).
        if (backend.redispatch && (retriesLeft == 0 || !lastFailed.usable())) {
            BackendServer other = backend.balancer.pick(key, failed);
            next = other != null ? other : lastFailed;
        }
        if (next.tryAcquire()) {
            server = next;
            return Outcome.SERVER;
        }
        return choose();
    }
}
