package io.ferry.balance;

import io.ferry.config.Balance;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Picks a server of a backend for a request, with HAProxy's rules for backup servers: backups are
 * used only when no active server is usable, the first usable backup alone unless {@code option
 * allbackups}. Which servers are usable changes at run time ({@link ServerState}: health checks,
 * maintenance); each pick reads it afresh, without locks.
 *
 * <pre>{@code
 * Balancer b = Balancer.create(balance, servers, false);
 * BackendServer s = b.pick(key, Set.of());   // null when no server is usable
 * }</pre>
 */
public final class Balancer {

    /** The servers with a weight above 0, split by role, with their algorithms; replaced when a weight changes. */
    private record Groups(Algorithm active, Algorithm backups, List<BackendServer> firstBackup) {
    }

    private final Balance balance;
    private final List<BackendServer> all;
    private final boolean allBackups;
    private final int candidates;
    private final LongSupplier millis;
    private volatile Groups groups;

    private Balancer(Balance balance, List<BackendServer> servers, boolean allBackups, LongSupplier millis) {
        this.balance = balance;
        this.all = List.copyOf(servers);
        this.allBackups = allBackups;
        this.candidates = all.size();
        this.millis = millis;
        this.groups = group();
    }

    /** Builds the balancer of a backend. */
    public static Balancer create(Balance balance, List<BackendServer> servers, boolean allBackups) {
        return new Balancer(balance, servers, allBackups, System::currentTimeMillis);
    }

    /** As {@link #create(Balance, List, boolean)}, with the clock that times slow starts. */
    public static Balancer create(Balance balance, List<BackendServer> servers, boolean allBackups,
                                  LongSupplier millis) {
        return new Balancer(balance, servers, allBackups, millis);
    }

    /**
     * Starts the slow start of {@code server} now, when it has one ({@code slowstart}): its
     * effective weight and connection limit ramp up from here ({@link BackendServer#applyRamp}).
     * Returns whether a ramp started.
     */
    public synchronized boolean startSlowStart(BackendServer server) {
        if (server.options().slowstart() <= 0 || !all.contains(server)) {
            return false;
        }
        server.rampStart(millis.getAsLong());
        refreshWeights();
        return true;
    }

    /** Ends the slow start of {@code server} (it went down): full weight and limit when it comes back without one. */
    public synchronized void stopSlowStart(BackendServer server) {
        if (server.ramping()) {
            server.rampStart(BackendServer.NOT_RAMPING);
            refreshWeights();
        }
    }

    /**
     * Recomputes the effective weights and connection limits of ramping servers for now on its
     * clock, and the schedules if a weight changed. Returns the delay to the next step, as HAProxy
     * takes it: max(1 s, {@code slowstart} / 20) of the ramping server with the shortest; -1 when
     * none is ramping.
     */
    public synchronized long refreshWeights() {
        long now = millis.getAsLong();
        boolean dynamic = !staticWeights();
        boolean changed = false;
        long next = -1;
        for (BackendServer s : all) {
            changed |= s.applyRamp(now, dynamic);
            if (s.ramping()) {
                long step = Math.max(1000, s.options().slowstart() / 20);
                next = next < 0 ? step : Math.min(next, step);
            }
        }
        if (changed) {
            groups = group();
        }
        return next;
    }

    private Groups group() {
        List<BackendServer> act = new ArrayList<>();
        List<BackendServer> bck = new ArrayList<>();
        for (BackendServer s : all) {
            if (s.balanced()) {
                (s.backup() ? bck : act).add(s);
            }
        }
        return new Groups(Algorithm.of(balance, act), Algorithm.of(balance, bck), allBackups ? null : List.copyOf(bck));
    }

    /**
     * Whether the algorithm is static (HAProxy: {@code static-rr} and {@code map-based} hashing),
     * where a server's weight can only be set to 0 or back to its configured weight at run time.
     */
    public boolean staticWeights() {
        return switch (balance.algorithm()) {
            case STATIC_RR -> true;
            case SOURCE, URI, URL_PARAM, HDR -> balance.hashType() == Balance.HashType.MAP_BASED;
            default -> false;
        };
    }

    /**
     * Changes the weight of one of its servers at run time (the runtime API's {@code set server
     * weight}) and rebuilds the schedules; picks already under way finish on the old ones.
     *
     * @throws IllegalArgumentException when the weight is outside 0..256, the server is not one of
     *     its own, or the algorithm is static and the weight is neither 0 nor the configured one
     */
    public synchronized void weight(BackendServer server, int weight) {
        if (!all.contains(server)) {
            throw new IllegalArgumentException(server + " is not a server of this backend");
        }
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("Absolute weight can only be between 0 and 256 inclusive.");
        }
        if (staticWeights() && weight != 0 && weight != server.initialWeight()) {
            throw new IllegalArgumentException("Backend is using a static LB algorithm and only accepts weights "
                    + "'0%' and '100%'.");
        }
        server.weight(weight);
        server.applyRamp(millis.getAsLong(), !staticWeights());
        groups = group();
    }

    /**
     * A server for this request, avoiding {@code excluded} (servers that just failed) when another
     * is usable; null when there is none.
     */
    public BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
        Groups g = groups;
        BackendServer s = g.active.pick(key, excluded);
        if (s == null) {
            s = g.firstBackup == null ? g.backups.pick(key, excluded) : Algorithm.firstUsable(g.firstBackup, excluded);
        }
        return s;
    }

    /** Whether a server can be picked now (one is usable); otherwise a request gets 503 at once. */
    public boolean hasServers() {
        for (BackendServer s : all) {
            if (s.usable()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A server as {@link #pick} chooses it among those with a free connection slot, with the slot
     * taken ({@link BackendServer#tryAcquire}); null when every server is at its {@code maxconn}.
     * Servers in {@code failed} are avoided while another has a slot.
     */
    public BackendServer pickWithSlot(BalanceKey key, Set<BackendServer> failed) {
        // Most requests: the first pick has a slot, and nothing needs remembering.
        BackendServer first = pick(key, failed);
        if (first == null || first.tryAcquire()) {
            return first;
        }
        Set<BackendServer> full = new HashSet<>();
        Set<BackendServer> skip = new HashSet<>(failed);
        full.add(first);
        skip.add(first);
        for (int i = 1; i <= candidates; i++) {
            BackendServer s = pick(key, skip);
            if (s == null || full.contains(s)) {
                return null;
            }
            if (s.tryAcquire()) {
                return s;
            }
            full.add(s);
            skip.add(s);
        }
        return null;
    }
}
