package io.ferry.balance;

import io.ferry.config.Balance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code balance} algorithms over one group of servers (the active ones or the backups).
 * Round-robin walks a weight-spread schedule with a shared atomic cursor; hash-based ones map the
 * hash onto the same schedule ({@code map-based}) or onto a ring ({@code consistent}) and fall back
 * to round-robin when the request lacks the value, as HAProxy does.
 */
abstract class Algorithm {

    protected final List<BackendServer> servers;
    private final BackendServer[] schedule;
    private final AtomicLong cursor = new AtomicLong();

    Algorithm(List<BackendServer> servers) {
        this.servers = List.copyOf(servers);
        this.schedule = spread(this.servers);
    }

    static Algorithm of(Balance balance, List<BackendServer> servers) {
        return switch (balance.algorithm()) {
            case ROUNDROBIN, STATIC_RR -> new Algorithm(servers) {
                @Override
                BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
                    return roundRobin(excluded);
                }
            };
            case LEASTCONN -> new LeastConn(servers);
            case FIRST -> new First(servers);
            case RANDOM -> new Algorithm(servers) {
                @Override
                BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
                    return fromSchedule(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), excluded);
                }
            };
            case SOURCE, URI, URL_PARAM, HDR -> new Hashed(balance, servers);
        };
    }

    /** A usable server, preferably not in {@code excluded}; null when none is usable. */
    abstract BackendServer pick(BalanceKey key, Set<BackendServer> excluded);

    /** The first usable server not excluded, else the first usable excluded one, else null. */
    static BackendServer firstUsable(Iterable<BackendServer> candidates, Set<BackendServer> excluded) {
        BackendServer fallback = null;
        for (BackendServer s : candidates) {
            if (s.usable()) {
                if (!excluded.contains(s)) {
                    return s;
                }
                fallback = fallback == null ? s : fallback;
            }
        }
        return fallback;
    }

    /**
     * Smooth weighted interleaving by effective weight (a server of weight 3 appears 3 times,
     * spread out). Effective weights are in sixteenths; they are divided by their greatest common
     * divisor, so that the schedule is as long as the weights alone make it unless a slow start
     * ramps.
     */
    private static BackendServer[] spread(List<BackendServer> servers) {
        int[] weights = servers.stream().mapToInt(BackendServer::effectiveWeight).toArray();
        int gcd = 0;
        for (int w : weights) {
            gcd = gcd(gcd, w);
        }
        for (int i = 0; i < weights.length && gcd > 1; i++) {
            weights[i] /= gcd;
        }
        int total = java.util.Arrays.stream(weights).sum();
        BackendServer[] out = new BackendServer[total];
        long[] current = new long[servers.size()];
        for (int i = 0; i < total; i++) {
            int best = 0;
            for (int j = 0; j < servers.size(); j++) {
                current[j] += weights[j];
                if (current[j] > current[best]) {
                    best = j;
                }
            }
            current[best] -= total;
            out[i] = servers.get(best);
        }
        return out;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    final BackendServer roundRobin(Set<BackendServer> excluded) {
        return fromSchedule(cursor.getAndIncrement(), excluded);
    }

    /**
     * The schedule's entry at {@code position}, or the next usable one not excluded; an excluded one
     * when no other is usable; null when none is usable.
     */
    final BackendServer fromSchedule(long position, Set<BackendServer> excluded) {
        if (schedule.length == 0) {
            return null;
        }
        int start = (int) Math.floorMod(position, (long) schedule.length);
        BackendServer fallback = null;
        for (int i = 0; i < schedule.length; i++) {
            BackendServer s = schedule[(start + i) % schedule.length];
            if (!s.usable()) {
                continue;
            }
            if (!excluded.contains(s)) {
                return s;
            }
            if (fallback == null) {
                fallback = s;
            }
        }
        return fallback;
    }

    /** {@code leastconn}: fewest connections per effective weight; ties go round-robin. */
    private static final class LeastConn extends Algorithm {

        LeastConn(List<BackendServer> servers) {
            super(servers);
        }

        @Override
        BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
            BackendServer first = roundRobin(excluded);
            if (first == null) {
                return null;
            }
            int offset = servers.indexOf(first);
            BackendServer best = null;
            BackendServer bestExcluded = null;
            for (int i = 0; i < servers.size(); i++) {
                BackendServer s = servers.get((offset + i) % servers.size());
                if (!s.usable()) {
                    continue;
                }
                if (excluded.contains(s)) {
                    bestExcluded = fewer(s, bestExcluded);
                } else {
                    best = fewer(s, best);
                }
            }
            return best != null ? best : bestExcluded;
        }

        private static BackendServer fewer(BackendServer s, BackendServer best) {
            if (best == null || (long) s.connections() * best.effectiveWeight()
                    < (long) best.connections() * s.effectiveWeight()) {
                return s;
            }
            return best;
        }
    }

    /**
     * {@code first}: the first server (in declaration order) with a free connection slot; a server
     * without {@code maxconn} always has one.
     */
    private static final class First extends Algorithm {

        First(List<BackendServer> servers) {
            super(servers);
        }

        @Override
        BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
            return firstUsable(servers, excluded);
        }
    }

    /** {@code source}, {@code uri}, {@code url_param}, {@code hdr}. */
    private static final class Hashed extends Algorithm {

        private final Balance balance;
        private final TreeMap<Integer, BackendServer> ring = new TreeMap<>();

        Hashed(Balance balance, List<BackendServer> servers) {
            super(servers);
            this.balance = balance;
            if (balance.hashType() == Balance.HashType.CONSISTENT) {
                for (BackendServer s : servers) {
                    // 16 points per unit of weight: one per sixteenth of effective weight.
                    for (int i = 0; i < s.effectiveWeight(); i++) {
                        ring.put(hash(s.name() + "#" + s.id() + "#" + i), s);
                    }
                }
            }
        }

        @Override
        BackendServer pick(BalanceKey key, Set<BackendServer> excluded) {
            String value = value(key);
            if (value == null) {
                return roundRobin(excluded);
            }
            int h = hash(value);
            if (ring.isEmpty()) {
                return fromSchedule(h & 0x7fffffffL, excluded);
            }
            BackendServer s = firstUsable(ring.tailMap(h).values(), excluded);
            if (s != null && !excluded.contains(s)) {
                return s;
            }
            BackendServer t = firstUsable(ring.headMap(h).values(), excluded);
            return t != null && (s == null || !excluded.contains(t)) ? t : s;
        }

        private String value(BalanceKey key) {
            return switch (balance.algorithm()) {
                case SOURCE -> key.source() == null ? null : key.source().getHostAddress();
                case URI -> key.uri(balance.uriWhole(), balance.uriPathOnly());
                case URL_PARAM -> key.urlParam(balance.argument());
                case HDR -> key.header(balance.argument());
                default -> throw new IllegalStateException(balance.algorithm().name());
            };
        }

        /** FNV-1a, then a final mix so that nearby keys spread. */
        static int hash(String s) {
            int h = 0x811c9dc5;
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                h ^= b;
                h *= 0x01000193;
            }
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            return h;
        }
    }
}
