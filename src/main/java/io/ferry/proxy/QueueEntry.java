package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.BalanceKey;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream waiting in its backend's queue for a server slot. Whoever changes its state first wins:
 * the dispatcher taking it (and handing it a slot) or the stream giving up (queue timeout, close).
 */
final class QueueEntry {

    /** A stream that can wait for a server slot. */
    interface Waiter {
        /** A slot on {@code server} is now this stream's; called on its event loop. */
        void dequeued(QueueEntry entry, BackendServer server);
    }

    private static final int WAITING = 0;
    private static final int TAKEN = 1;
    private static final int CANCELLED = 2;

    final Waiter stream;
    final Backend backend;
    final EventLoop loop;
    final BalanceKey key;
    private final AtomicInteger state = new AtomicInteger(WAITING);

    QueueEntry(Waiter stream, Backend backend, EventLoop loop, BalanceKey key) {
        this.stream = stream;
        this.backend = backend;
        this.loop = loop;
        this.key = key;
    }

    boolean take() {
        return state.compareAndSet(WAITING, TAKEN);
    }

    /** The stream gives up; false when a slot is already on its way to it. */
    boolean cancel() {
        return state.compareAndSet(WAITING, CANCELLED);
    }

    boolean cancelled() {
        return state.get() == CANCELLED;
    }
}
