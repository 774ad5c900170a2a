package io.ferry.balance;

import io.ferry.config.Balance;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    private final Algorithm active;
    private final Algorithm backups;
    /** The backups in order, when only the first usable one is used (no {@code allbackups}). */
    private final List<BackendServer> firstBackup;
    private final List<BackendServer> all;
    private final int candidates;

    private Balancer(Algorithm active, Algorithm backups, List<BackendServer> firstBackup) {
        this.active = active;
        this.backups = backups;
        this.firstBackup = firstBackup;
        List<BackendServer> a = new ArrayList<>(active.servers);
        a.addAll(backups.servers);
        this.all = List.copyOf(a);
        this.candidates = all.size();
    }

    /** Builds the balancer of a backend. */
    public static Balancer create(Balance balance, List<BackendServer> servers, boolean allBackups) {
        List<BackendServer> act = new ArrayList<>();
        List<BackendServer> bck = new ArrayList<>();
        for (BackendServer s : servers) {
            if (s.balanced()) {
                (s.backup() ? bck : act).add(s);
            }
        }
        return new Balancer(Algorithm.of(balance, act), Algorithm.of(balance, bck), allBackups ? null : List.copyOf(bck));
    }

    /**
     * A server for this request, avoiding {@code excluded} (servers that just failed) when another
     * is usable; null when there is none.
     */
    public BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
        BackendServer s = active.pick(key, excluded);
        if (s == null) {
            s = firstBackup == null ? backups.pick(key, excluded) : Algorithm.firstUsable(firstBackup, excluded);
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
        Set<BackendServer> full = new HashSet<>();
        Set<BackendServer> skip = new HashSet<>(failed);
        for (int i = 0; i <= candidates; i++) {
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
