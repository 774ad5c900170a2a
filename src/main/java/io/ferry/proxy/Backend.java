package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.Balancer;
import io.ferry.balance.HealthChecks;
import io.ferry.balance.ServerEvents;
import io.ferry.balance.ServerHealthLog;
import io.ferry.balance.ServerState;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.config.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A backend at run time: its servers and balancer, built once from the model, and the counters of
 * the backend and of each server. Public for reading only (the runtime API).
 */
public final class Backend {

    final Proxy model;
    /** What its options ask of connections after each transaction. */
    final ConnectionMode mode;
    final ProxyCounters counters = new ProxyCounters();
    private final java.util.Map<BackendServer, ProxyCounters> serverCounters = new java.util.IdentityHashMap<>();
    private final AtomicInteger queueMax = new AtomicInteger();
    /** The position of the proxy in the configuration, from 1 (HAProxy's {@code iid}). */
    private final int id;
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
    /** Where its servers' changes of state are applied, logged and followed. */
    final ServerHealthLog health;

    /**
     * @param millis the clock of slow starts
     * @param schedule runs a task once after a delay in milliseconds (the steps of slow starts)
     * @param cut closes the streams on a server ({@code on-marked-down}, {@code on-marked-up})
     */
    Backend(Proxy model, int id, LongSupplier millis, BiConsumer<Runnable, Long> schedule,
            BiConsumer<BackendServer, ServerEvents.Cut> cut) {
        this.model = model;
        this.mode = ConnectionMode.of(model);
        this.id = id;
        this.rules = ProxyRules.of(model);
        List<BackendServer> list = new ArrayList<>();
        int serverId = 1;
        for (Server s : model.servers()) {
            ServerState state = new ServerState(s.options().disabled(), HealthChecks.checked(model, s),
                    s.options().rise(), s.options().fall(), System::currentTimeMillis);
            list.add(new BackendServer(model.name(), s.name(), s.address().address(), s.address().port(),
                    s.address().kind() == io.ferry.config.Address.Kind.UNIX ? s.address().path() : null,
                    s.options().weight(), s.options().backup(), serverId++, s.options().maxconn(),
                    s.options().maxqueue(), state, s.options()));
        }
        this.servers = List.copyOf(list);
        for (BackendServer s : servers) {
            serverCounters.put(s, new ProxyCounters());
        }
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
        this.balancer = Balancer.create(model.balance(), servers, model.option(ProxyOption.ALLBACKUPS), millis);
        this.redispatch = model.option(ProxyOption.REDISPATCH);
        this.health = new ServerHealthLog(model.name(), servers, balancer, new ServerEvents() {
            @Override
            public int dispatchQueued() {
                return dispatch();
            }

            @Override
            public void cut(BackendServer server, Cut why) {
                cut.accept(server, why);
            }

            @Override
            public void schedule(Runnable task, long delayMs) {
                schedule.accept(task, delayMs);
            }
        });
    }

    /**
     * The administrator changed the state of server {@code s} ({@code set server … state}): what
     * follows (streams closed, slow start) as when checks change it.
     */
    public void stateChanged(BackendServer s, ServerState.Change change) {
        health.adminChanged(s, change);
    }

    public String name() {
        return model.name();
    }

    /** Its section in the configuration. */
    public Proxy model() {
        return model;
    }

    public int id() {
        return id;
    }

    public List<BackendServer> servers() {
        return servers;
    }

    public ProxyCounters counters() {
        return counters;
    }

    /** The counters of one of its servers. */
    public ProxyCounters counters(BackendServer s) {
        return serverCounters.get(s);
    }

    /**
     * Changes a server's weight at run time ({@code set server weight}).
     *
     * @throws IllegalArgumentException with HAProxy's answer when the weight is not allowed
     */
    public void weight(BackendServer s, int weight) {
        balancer.weight(s, weight);
    }

    /** {@code qmax}: the most streams that waited at once. */
    public int queueMax() {
        return queueMax.get();
    }

    /** {@code qlimit}: the sum of the servers' {@code maxqueue}, 0 for no limit. */
    public int queueLimit() {
        return maxQueue;
    }

    /** The server named {@code name}, or null. */
    public BackendServer server(String name) {
        for (BackendServer s : servers) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    Proxy.HttpReuse reuse() {
        return model.httpReuse();
    }

    /** {@code qcur}: streams waiting now. */
    public int queued() {
        return queued.get();
    }

    /** Queues a stream that found every server at its {@code maxconn}; false when the queue is full. */
    boolean enqueue(QueueEntry e) {
        if (maxQueue > 0 && queued.get() >= maxQueue) {
            return false;
        }
        ProxyCounters.raise(queueMax, queued.incrementAndGet());
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
    public int dispatch() {
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
