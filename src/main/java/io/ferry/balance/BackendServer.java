package io.ferry.balance;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server of a backend at run time: where it is, its weight and role, and how many streams use it
 * now (counted across event loops, without locks).
 *
 * @see Balancer
 */
public final class BackendServer {

    private final String backend;
    private final String name;
    private final InetAddress address;
    private final int port;
    private final String unixPath;
    private final int initialWeight;
    private volatile int weight;
    private final boolean backup;
    private final boolean disabled;
    private final int id;
    private final int maxconn;
    private final int maxqueue;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger maxConnections = new AtomicInteger();
    private final ServerState state;

    /**
     * @param port 0 to connect to the port the client connected to
     * @param id the position of the server in its backend, from 1
     * @param maxconn streams it may serve at once, 0 for no limit
     * @param maxqueue streams that may wait for it, 0 for no limit
     */
    public BackendServer(String backend, String name, InetAddress address, int port, int weight, boolean backup,
                         boolean disabled, int id, int maxconn, int maxqueue) {
        this(backend, name, address, port, weight, backup, id, maxconn, maxqueue, ServerState.unchecked(disabled));
    }

    /**
     * A server whose state (admin, health) is {@code state}; {@code disabled} servers start in
     * MAINT there.
     */
    public BackendServer(String backend, String name, InetAddress address, int port, int weight, boolean backup,
                         int id, int maxconn, int maxqueue, ServerState state) {
        this(backend, name, address, port, null, weight, backup, id, maxconn, maxqueue, state);
    }

    /** A server at {@code address:port}, or on the unix socket {@code unixPath} (then address is null). */
    public BackendServer(String backend, String name, InetAddress address, int port, String unixPath, int weight,
                         boolean backup, int id, int maxconn, int maxqueue, ServerState state) {
        this.unixPath = unixPath;
        boolean disabled = state.admin() == ServerState.Admin.MAINT;
        this.backend = backend;
        this.name = name;
        this.address = address;
        this.port = port;
        this.weight = weight;
        this.initialWeight = weight;
        this.backup = backup;
        this.disabled = disabled;
        this.id = id;
        this.maxconn = maxconn;
        this.maxqueue = maxqueue;
        this.state = state;
    }

    public String name() {
        return name;
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The path of its unix socket ({@code unix@/path}), or null for a TCP server. */
    public String unixPath() {
        return unixPath;
    }

    /** Its weight now: as configured, unless changed at run time ({@link Balancer#weight}). */
    public int weight() {
        return weight;
    }

    /** Its weight in the configuration ({@code show servers state}'s {@code srv_iweight}). */
    public int initialWeight() {
        return initialWeight;
    }

    void weight(int w) {
        this.weight = w;
    }

    public boolean backup() {
        return backup;
    }

    /** {@code disabled}: in maintenance from start. */
    public boolean disabled() {
        return disabled;
    }

    public int id() {
        return id;
    }

    /** The backend's name. */
    public String backend() {
        return backend;
    }

    /** Its admin and health state. */
    public ServerState state() {
        return state;
    }

    /** Whether it can take load-balanced traffic with its weight now: a weight above 0. */
    public boolean balanced() {
        return weight > 0;
    }

    /** Whether the balancer may pick it now: a weight above 0, READY and UP (volatile reads, no lock). */
    public boolean usable() {
        return weight > 0 && state.usable();
    }

    /** Streams currently using this server. */
    public int connections() {
        return connections.get();
    }

    /** The most streams that used it at once ({@code smax}). */
    public int maxConnections() {
        return maxConnections.get();
    }

    private void counted(int now) {
        int m;
        while (now > (m = maxConnections.get())) {
            if (maxConnections.compareAndSet(m, now)) {
                return;
            }
        }
    }

    public int maxconn() {
        return maxconn;
    }

    public int maxqueue() {
        return maxqueue;
    }

    /** Takes a connection slot whatever the limit (a slot just given back and taken again). */
    public void acquire() {
        counted(connections.incrementAndGet());
    }

    /** Takes a connection slot if {@code maxconn} allows; lock-free. */
    public boolean tryAcquire() {
        if (maxconn == 0) {
            counted(connections.incrementAndGet());
            return true;
        }
        while (true) {
            int c = connections.get();
            if (c >= maxconn) {
                return false;
            }
            if (connections.compareAndSet(c, c + 1)) {
                counted(c + 1);
                return true;
            }
        }
    }

    public void release() {
        connections.decrementAndGet();
    }

    @Override
    public String toString() {
        return backend + "/" + name;
    }
}
