package io.ferry.balance;

import io.ferry.config.ServerOptions;
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
    private final ServerOptions options;
    /** HAProxy's effective weight, in sixteenths of a unit of weight: lower while slow start ramps. */
    private volatile int effectiveWeight;
    /** The {@code maxconn} in force: lower while slow start ramps. */
    private volatile int maxconnNow;
    /** When the slow start under way began (balancer clock), or {@link #NOT_RAMPING}. */
    private volatile long rampStart = NOT_RAMPING;
    /** Set when the server has {@code observe}. */
    private volatile ObservedHealth observed;

    static final long NOT_RAMPING = Long.MIN_VALUE;
    /** HAProxy's {@code BE_WEIGHT_SCALE}: effective weights are counted in sixteenths. */
    static final int WEIGHT_SCALE = 16;

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
        this(backend, name, address, port, unixPath, weight, backup, id, maxconn, maxqueue, state, ServerOptions.DEFAULTS);
    }

    /**
     * As above, with the rest of its {@code server} line: {@code slowstart}, {@code observe},
     * {@code on-marked-down}, {@code on-marked-up}.
     */
    public BackendServer(String backend, String name, InetAddress address, int port, String unixPath, int weight,
                         boolean backup, int id, int maxconn, int maxqueue, ServerState state, ServerOptions options) {
        this.options = options;
        this.effectiveWeight = weight * WEIGHT_SCALE;
        this.maxconnNow = maxconn;
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

    /** The options of its {@code server} line ({@link ServerOptions#DEFAULTS} when built without). */
    public ServerOptions options() {
        return options;
    }

    /** Its effective weight in sixteenths (what the algorithms use): {@code weight × 16} unless ramping. */
    int effectiveWeight() {
        return effectiveWeight;
    }

    /**
     * Its effective weight in units, rounded up, as {@code show stat} prints it: the weight, or less
     * while slow start ramps.
     */
    public int currentWeight() {
        return (effectiveWeight + WEIGHT_SCALE - 1) / WEIGHT_SCALE;
    }

    /**
     * {@code throttle}: while slow start ramps, its effective weight in percent of the full one,
     * with HAProxy's rounding (6 % for 1/16); -1 otherwise.
     */
    public int throttle() {
        if (rampStart == NOT_RAMPING) {
            return -1;
        }
        // HAProxy's server_throttle_rate: (100 × eweight + wdiv − 1) / (wdiv × uweight).
        return weight == 0 ? 100 : (100 * effectiveWeight + WEIGHT_SCALE - 1) / (WEIGHT_SCALE * weight);
    }

    /** Whether slow start is ramping its weight up now. */
    public boolean ramping() {
        return rampStart != NOT_RAMPING;
    }

    long rampStart() {
        return rampStart;
    }

    void rampStart(long at) {
        this.rampStart = at;
    }

    /**
     * Sets its effective weight and connection limit for {@code now} on the balancer's clock:
     * during a slow start of {@code S} ms begun {@code t} ms ago, HAProxy's ramp: the weight is
     * {@code weight × (16t + S) / S} sixteenths (integer division, so 1/16 of it at once), when
     * {@code dynamicWeights} (otherwise the full weight at once), and {@code maxconn} is
     * {@code max(1, maxconn × ⌊100t/S⌋ / 100)}; after it, both are full again. Returns whether the
     * effective weight changed.
     */
    boolean applyRamp(long now, boolean dynamicWeights) {
        long start = rampStart;
        long slowstart = options.slowstart();
        int eweight = weight * WEIGHT_SCALE;
        int limit = maxconn;
        if (start != NOT_RAMPING) {
            long elapsed = now - start;
            if (elapsed < 0 || elapsed >= slowstart) {
                rampStart = NOT_RAMPING;
            } else {
                if (dynamicWeights) {
                    eweight = (int) (weight * ((WEIGHT_SCALE * elapsed + slowstart) / slowstart));
                }
                if (maxconn > 0) {
                    limit = (int) Math.max(1, (long) maxconn * (100 * elapsed / slowstart) / 100);
                }
            }
        }
        maxconnNow = limit;
        boolean changed = eweight != effectiveWeight;
        effectiveWeight = eweight;
        return changed;
    }

    /** Reports what a stream saw of it, when it has {@code observe}; otherwise does nothing. */
    public void observed(ObservedHealth.Event e) {
        ObservedHealth o = observed;
        if (o != null) {
            o.observed(e);
        }
    }

    /** What traffic says of its health, null without {@code observe}. */
    public ObservedHealth observedHealth() {
        return observed;
    }

    void observedHealth(ObservedHealth o) {
        this.observed = o;
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

    /** The connection limit in force now: {@code maxconn}, lower while slow start ramps; 0 for none. */
    public int maxconnNow() {
        return maxconnNow;
    }

    /** Takes a connection slot if {@code maxconn} (as slow start may lower it) allows; lock-free. */
    public boolean tryAcquire() {
        int maxconn = maxconnNow;
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
