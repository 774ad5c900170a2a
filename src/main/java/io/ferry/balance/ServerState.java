package io.ferry.balance;

import io.ferry.config.ServerOptions;
import java.util.function.LongSupplier;

/**
 * The state of one server: what the administrator set (READY, DRAIN, MAINT), what its health
 * checks found (UP or DOWN, with HAProxy's health counter), and NOLB (up, but taking no new
 * load-balanced traffic). The balancer reads {@link #usable()} on the data path: one volatile read,
 * no lock. Changes are rare (a check result, an admin command) and serialised on this object.
 *
 * <p>The health counter follows HAProxy: it runs from 0 to {@code rise + fall - 1}; the server is UP
 * while it is at least {@code rise}. A passed check adds one (and jumps to the top once it reaches
 * {@code rise}); a failed one takes one away (and drops to 0 once below {@code rise}). So a healthy
 * server goes DOWN after {@code fall} failures in a row and a DOWN one comes UP after {@code rise}
 * successes in a row. A server starts UP with the counter at {@code rise}: one failed check at start
 * marks it DOWN, as in HAProxy.
 */
public final class ServerState {

    /** What the administrator set. */
    public enum Admin { READY, DRAIN, MAINT }

    /** What checks found. */
    public enum Operational { UP, DOWN, NOLB }

    /**
     * A state change, as told to listeners: the previous and new operational states, the admin
     * state after the change and before it.
     */
    public record Change(Operational from, Operational to, Admin admin, Admin fromAdmin) {

        /** Whether the server could be picked before the change (READY and UP). */
        public boolean wasUsable() {
            return fromAdmin == Admin.READY && from == Operational.UP;
        }

        /** Whether the server can be picked after the change (READY and UP). */
        public boolean usable() {
            return admin == Admin.READY && to == Operational.UP;
        }

        /**
         * Whether the server was just marked DOWN or put in maintenance (what HAProxy's {@code
         * on-marked-down} reacts to).
         */
        public boolean markedDown() {
            return (to == Operational.DOWN && from != Operational.DOWN) || (admin == Admin.MAINT && fromAdmin != Admin.MAINT);
        }

        /**
         * Whether the server comes back: UP after DOWN, or out of maintenance while up (when HAProxy
         * starts a {@code slowstart} and applies {@code on-marked-up}).
         */
        public boolean cameBack() {
            return usable() && !wasUsable() && (from == Operational.DOWN || fromAdmin == Admin.MAINT);
        }
    }

    /**
     * The last check's outcome, for {@code show stat}.
     *
     * @param status {@code L4OK}, {@code L4TOUT}, {@code L4CON}, {@code L7OK}, {@code L7TOUT},
     *     {@code L7RSP}, {@code L7STS}
     * @param code the HTTP status of an HTTP check, -1 when there is none
     * @param durationMs how long the check took
     */
    public record LastCheck(String status, int code, long durationMs) {
    }

    private record Snapshot(Admin admin, Operational operational, int health) {
    }

    private final int rise;
    private final int fall;
    private final boolean checked;
    private final LongSupplier millis;
    private volatile Snapshot snapshot;
    private volatile long lastChange;
    private volatile long downSince;
    private volatile long downtime;
    private volatile long failedChecks;
    private volatile long downTransitions;
    private volatile LastCheck lastCheck;
    private volatile long analyzeFailures;
    private volatile boolean fastinterForced;

    /**
     * @param checked whether health checks run for the server (otherwise it stays UP)
     * @param millis the clock for {@link #lastChangeSeconds()} and {@link #downtimeSeconds()}
     */
    public ServerState(boolean disabled, boolean checked, int rise, int fall, LongSupplier millis) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        this.rise = rise;
        this.fall = fall;
        this.checked = checked;
        this.millis = millis;
        this.snapshot = new Snapshot(disabled ? Admin.MAINT : Admin.READY, Operational.UP, rise);
        this.lastChange = millis.getAsLong();
    }

    /** A server without checks, always UP unless disabled. */
    public static ServerState unchecked(boolean disabled) {
        return new ServerState(disabled, false, 1, 1, System::currentTimeMillis);
    }

    /** Whether the balancer may pick the server: READY and UP. One volatile read. */
    public boolean usable() {
        Snapshot s = snapshot;
        return s.admin == Admin.READY && s.operational == Operational.UP;
    }

    public Admin admin() {
        return snapshot.admin;
    }

    public Operational operational() {
        return snapshot.operational;
    }

    /** Whether the server counts as UP for checks (UP or NOLB), whatever the admin state. */
    public boolean up() {
        return snapshot.operational != Operational.DOWN;
    }

    public boolean checked() {
        return checked;
    }

    public int rise() {
        return rise;
    }

    public int fall() {
        return fall;
    }

    /** HAProxy's health counter, 0 to {@code rise + fall - 1}. */
    public int health() {
        return snapshot.health;
    }

    /** Whether a change is under way: up but with failures counted, or down with successes counted. */
    public boolean transitional() {
        Snapshot s = snapshot;
        return s.health > 0 && s.health < rise + fall - 1;
    }

    /** The last check's outcome, null before the first one ends. */
    public LastCheck lastCheck() {
        return lastCheck;
    }

    /** Records the outcome of a check (before {@link #checkPassed} or {@link #checkFailed}). */
    public void lastCheck(LastCheck check) {
        this.lastCheck = check;
    }

    /** {@code chkfail}: failed checks while the server was up or going down. */
    public long failedChecks() {
        return failedChecks;
    }

    /** {@code chkdown}: UP to DOWN transitions. */
    public long downTransitions() {
        return downTransitions;
    }

    /** {@code lastchg}: seconds since the last change of state. */
    public long lastChangeSeconds() {
        return (millis.getAsLong() - lastChange) / 1000;
    }

    /** {@code downtime}: total seconds spent DOWN, including the current period. */
    public long downtimeSeconds() {
        long total = downtime;
        if (snapshot.operational == Operational.DOWN) {
            total += millis.getAsLong() - downSince;
        }
        return total / 1000;
    }

    /**
     * The {@code status} column of {@code show stat}: {@code UP}, {@code UP 2/3} (going down),
     * {@code DOWN}, {@code DOWN 1/2} (going up), {@code NOLB}, {@code MAINT}, {@code DRAIN}, or
     * {@code no check} for an UP server without checks.
     */
    public String status() {
        Snapshot s = snapshot;
        if (s.admin == Admin.MAINT) {
            return "MAINT";
        }
        if (s.admin == Admin.DRAIN && s.operational != Operational.DOWN) {
            return "DRAIN";
        }
        if (!checked) {
            return s.operational == Operational.NOLB ? "NOLB" : "no check";
        }
        return switch (s.operational) {
            case UP, NOLB -> {
                String word = s.operational == Operational.UP ? "UP" : "NOLB";
                yield s.health < rise + fall - 1 ? word + " " + (s.health - rise + 1) + "/" + fall : word;
            }
            case DOWN -> s.health > 0 ? "DOWN " + s.health + "/" + rise : "DOWN";
        };
    }

    /** A check passed; returns the change it caused, or null. */
    public synchronized Change checkPassed() {
        Snapshot s = snapshot;
        if (s.health >= rise + fall - 1) {
            return null;
        }
        int health = s.health + 1;
        if (health >= rise) {
            health = rise + fall - 1;
        }
        if (s.operational == Operational.DOWN && health >= rise) {
            return set(new Snapshot(s.admin, Operational.UP, health), s);
        }
        snapshot = new Snapshot(s.admin, s.operational, health);
        return null;
    }

    /** A check failed; returns the change it caused, or null. */
    public synchronized Change checkFailed() {
        Snapshot s = snapshot;
        if (s.health == 0) {
            return null;
        }
        failedChecks++;
        int health = s.health - 1;
        if (health < rise) {
            health = 0;
        }
        if (health == 0 && s.operational != Operational.DOWN) {
            downTransitions++;
            return set(new Snapshot(s.admin, Operational.DOWN, 0), s);
        }
        snapshot = new Snapshot(s.admin, s.operational, health);
        return null;
    }

    /**
     * Applies {@code on-error} after {@code error-limit} consecutive errors observed on traffic
     * (HAProxy's "health analyze"): each action forces {@code fastinter} for the checks from now on
     * (HAProxy never lifts it again); {@code fail-check} counts as a failed check, {@code
     * sudden-death} first sets the health counter to {@code rise + 1} when it is higher (one more
     * failure after this one marks it DOWN), {@code mark-down} to {@code rise} (so this failure
     * marks it DOWN). Returns the change it caused, or null.
     */
    public synchronized Change analyzeFailed(ServerOptions.OnError action) {
        fastinterForced = true;
        analyzeFailures++;
        Snapshot s = snapshot;
        switch (action) {
            case FASTINTER -> {
                return null;
            }
            case SUDDEN_DEATH -> {
                if (s.health > rise) {
                    snapshot = new Snapshot(s.admin, s.operational, rise + 1);
                }
            }
            case MARK_DOWN -> snapshot = new Snapshot(s.admin, s.operational, rise);
            case FAIL_CHECK -> {
            }
        }
        return checkFailed();
    }

    /** {@code hanafail}: how many times {@code error-limit} was reached on observed traffic. */
    public long analyzeFailures() {
        return analyzeFailures;
    }

    /**
     * Whether observed errors forced {@code fastinter} (HAProxy's {@code CHK_ST_FASTINTER}): then an
     * UP server with no failure counted is checked every {@code fastinter}, not {@code inter}.
     */
    public boolean fastinterForced() {
        return fastinterForced;
    }

    /** Sets or clears NOLB on an UP server; returns the change, or null. */
    public synchronized Change noLoadBalancing(boolean on) {
        Snapshot s = snapshot;
        if (s.operational == Operational.DOWN || (s.operational == Operational.NOLB) == on) {
            return null;
        }
        return set(new Snapshot(s.admin, on ? Operational.NOLB : Operational.UP, s.health), s);
    }

    /** Sets the administrative state; returns the change, or null when it was already so. */
    public synchronized Change admin(Admin admin) {
        Snapshot s = snapshot;
        if (s.admin == admin) {
            return null;
        }
        return set(new Snapshot(admin, s.operational, s.health), s);
    }

    private Change set(Snapshot next, Snapshot previous) {
        long now = millis.getAsLong();
        if (next.operational == Operational.DOWN && previous.operational != Operational.DOWN) {
            downSince = now;
        } else if (next.operational != Operational.DOWN && previous.operational == Operational.DOWN) {
            downtime += now - downSince;
        }
        lastChange = now;
        snapshot = next;
        return new Change(previous.operational, next.operational, next.admin, previous.admin);
    }

    @Override
    public String toString() {
        return status();
    }
}
