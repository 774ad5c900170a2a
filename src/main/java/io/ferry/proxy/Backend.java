package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.Balancer;
import io.ferry.balance.HealthChecks;
import io.ferry.balance.ServerState;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.config.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend at run time: its servers and balancer, built once from the model. */
final class Backend {

    final Proxy model;
    /** Its rules, forwardfor and error pages. */
    final ProxyRules rules;
    final List<BackendServer> servers;
    final Balancer balancer;
    final boolean redispatch;
    /** Streams waiting for a server slot, oldest first, shared by all event loops. */
    private final ConcurrentLinkedQueue<QueueEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** The sum of the servers' {@code maxqueue}, or 0 when one of them has none (no limit). */
    private final int maxQueue;

    Backend(Proxy model) {
        this.model = model;
        this.rules = ProxyRules.of(model);
        List<BackendServer> list = new ArrayList<>();
        int id = 1;
        for (Server s : model.servers()) {
            ServerState state = new ServerState(s.options().disabled(), HealthChecks.checked(model, s),
                    s.options().rise(), s.options().fall(), System::currentTimeMillis);
            list.add(new BackendServer(model.name(), s.name(), s.address().address(), s.address().port(),
                    s.address().kind() == io.ferry.config.Address.Kind.UNIX ? s.address().path() : null,
                    s.options().weight(), s.options().backup(), id++, s.options().maxconn(),
                    s.options().maxqueue(), state));
        }
        this.servers = List.copyOf(list);
        int limit = 0;
        for (BackendServer s : servers) {
            if (s.balanced() && !s.disabled()) {
                if (s.maxqueue() == 0) {
                    limit = 0;
                    break;
                }
                limit += s.maxqueue();
            }
        }
        this.maxQueue = limit;
        this.balancer = Balancer.create(model.balance(), servers, model.option(ProxyOption.ALLBACKUPS));
        this.redispatch = model.option(ProxyOption.REDISPATCH);
    }

    String name() {
        return model.name();
    }

    Proxy.HttpReuse reuse() {
        return model.httpReuse();
    }

    /** Streams waiting now. */
    int queued() {
        return queued.get();
    }

    /** Queues a stream that found every server at its {@code maxconn}; false when the queue is full. */
    boolean enqueue(QueueEntry e) {
        if (maxQueue > 0 && queued.get() >= maxQueue) {
            return false;
        }
        queued.incrementAndGet();
        queue.add(e);
        // A slot may have been freed between the failed pick and the add.
        dispatch();
        return true;
    }

    /** Removes a stream that gave up waiting. */
    void remove(QueueEntry e) {
        if (queue.remove(e)) {
            queued.decrementAndGet();
        }
    }

    /** Gives a server slot back and hands free slots to waiting streams. */
    void release(BackendServer server) {
        server.release();
        dispatch();
    }

    /** Gives free slots to the oldest waiting streams, on their own event loops; returns how many got one. */
    int dispatch() {
        int served = 0;
        while (true) {
            QueueEntry e = queue.peek();
            if (e == null) {
                return served;
            }
            if (e.cancelled()) {
                remove(e);
                continue;
            }
            BackendServer s = balancer.pickWithSlot(e.key, java.util.Set.of());
            if (s == null) {
                return served;
            }
            if (queue.remove(e)) {
                queued.decrementAndGet();
                if (e.take()) {
                    e.loop.execute(() -> e.stream.dequeued(e, s));
                    served++;
                    continue;
                }
            }
            // Another dispatcher took it, or the stream gave up meanwhile: the slot goes back.
            s.release();
        }
    }
}
