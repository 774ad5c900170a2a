package io.ferry.balance;

import io.ferry.check.CheckResult;
import io.ferry.check.CheckSpec;
import io.ferry.check.CheckStatus;
import io.ferry.config.ServerOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies health check results to the servers of one backend and says what changed, in HAProxy's
 * words (warnings, as HAProxy logs them):
 *
 * <pre>
 * Server B/S is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 * Server B/S is UP, reason: Layer4 check passed, check duration: 0ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.
 * backend B has no server available!
 * </pre>
 *
 * A backup server's line starts with "Backup Server"; " Running on backup." follows the server
 * counts when only backups are left. Ferry queues per backend, not per server, so the per-server
 * queue counts HAProxy prints are 0; "sessions requeued" on UP counts the backend's waiting
 * streams that the server took at once.
 *
 * <p>It also applies what follows a change: {@code on-marked-down shutdown-sessions} (the streams
 * on a server marked DOWN or put in maintenance are closed, logged with {@code D}), {@code
 * on-marked-up shutdown-backup-sessions} (when an active server with a weight comes back, the
 * streams on the backup servers are closed, logged with {@code U}), and {@code slowstart} (a server
 * that comes back ramps its weight up, in steps of max(1 s, slowstart / 20)). Errors observed on
 * traffic ({@code observe}) come here too ({@link #analyzed}): "Health analyze".
 */
public final class ServerHealthLog {

    private static final Logger LOG = LoggerFactory.getLogger(ServerHealthLog.class);

    private final String backend;
    private final List<BackendServer> servers;
    private final Balancer balancer;
    private final ServerEvents events;
    /** Whether a slow-start step is scheduled. */
    private final AtomicBoolean ramping = new AtomicBoolean();

    /**
     * @param servers the backend's servers, whose {@link BackendServer#options()} say what follows a change
     * @param balancer the backend's balancer, which ramps weights during slow starts
     */
    public ServerHealthLog(String backend, List<BackendServer> servers, Balancer balancer, ServerEvents events) {
        this.backend = backend;
        this.servers = List.copyOf(servers);
        this.balancer = balancer;
        this.events = events;
        for (BackendServer s : this.servers) {
            if (s.options().observe() != ServerOptions.Observe.NONE) {
                s.observedHealth(new ObservedHealth(s, s.options(), this));
            }
        }
    }

    /**
     * The phase that picks the interval to {@code server}'s next check (HAProxy's srv_getinter):
     * {@code inter} when UP with no failure counted, unless observed errors forced {@code fastinter};
     * {@code downinter} when DOWN with no success counted; {@code fastinter} otherwise.
     */
    public static CheckSpec.Phase phase(BackendServer server) {
        ServerState s = server.state();
        if (s.transitional()) {
            return CheckSpec.Phase.CHANGING;
        }
        if (s.up()) {
            return s.fastinterForced() ? CheckSpec.Phase.CHANGING : CheckSpec.Phase.HEALTHY;
        }
        return CheckSpec.Phase.DOWN;
    }

    /** Records {@code result} on {@code server}, counts it, and logs a change of state; returns the line logged, or null. */
    public String checked(BackendServer server, CheckResult result) {
        ServerState state = server.state();
        state.lastCheck(new ServerState.LastCheck(result.status().name(), result.code(), result.durationMs()));
        if (result.passed() && server.observedHealth() != null) {
            server.observedHealth().reset();
        }
        ServerState.Change change = result.passed() ? state.checkPassed() : state.checkFailed();
        return report(server, change, result);
    }

    /**
     * {@code error-limit} errors in a row were observed on {@code server}'s traffic: applies {@code
     * onError} ({@link ServerState#analyzeFailed}) as a check with status {@code HANA} and {@code
     * info}, and logs a change of state as HAProxy does (reason "Health analyze", no check
     * duration); returns the line logged, or null.
     */
    public String analyzed(BackendServer server, ServerOptions.OnError onError, String info) {
        ServerState state = server.state();
        if (onError != ServerOptions.OnError.FASTINTER) {
            state.lastCheck(new ServerState.LastCheck(CheckStatus.HANA.name(), -1, -1));
        }
        return report(server, state.analyzeFailed(onError), new CheckResult(CheckStatus.HANA, -1, info, -1));
    }

    /**
     * The administrator changed {@code server}'s state ({@code set server … state}): applies what
     * follows, as for a change checks make (logged by the caller).
     */
    public void adminChanged(BackendServer server, ServerState.Change change) {
        follow(server, change);
    }

    private String report(BackendServer server, ServerState.Change change, CheckResult result) {
        if (change == null) {
            return null;
        }
        String line;
        if (change.to() == ServerState.Operational.DOWN) {
            line = prefix(server) + " is DOWN, " + result.describe() + ". " + counts("left") + " "
                    + server.connections() + " sessions active, 0 requeued, 0 remaining in queue.";
        } else {
            // Before the waiting streams take it: a slow start lowers its maxconn from now.
            follow(server, change);
            int requeued = events.dispatchQueued();
            line = prefix(server) + " is UP, " + result.describe() + ". " + counts("online") + " "
                    + requeued + " sessions requeued, 0 total in queue.";
        }
        LOG.warn(line);
        if (change.to() == ServerState.Operational.DOWN && servers.stream().noneMatch(BackendServer::usable)) {
            LOG.error("backend {} has no server available!", backend);
        }
        if (change.to() == ServerState.Operational.DOWN) {
            // After the line: it counts the sessions that were active.
            follow(server, change);
        }
        return line;
    }

    /** What follows a change: on-marked-down, on-marked-up, slow start. */
    private void follow(BackendServer server, ServerState.Change change) {
        ServerOptions o = server.options();
        if (change.markedDown()) {
            balancer.stopSlowStart(server);
            if (o.onMarkedDownShutdownSessions()) {
                events.cut(server, ServerEvents.Cut.SERVER_DOWN);
            }
        }
        if (change.cameBack()) {
            if (balancer.startSlowStart(server)) {
                rampSteps();
            }
            // HAProxy: only for an active server with a weight.
            if (o.onMarkedUpShutdownBackupSessions() && !server.backup() && server.weight() > 0) {
                for (BackendServer b : servers) {
                    if (b.backup()) {
                        events.cut(b, ServerEvents.Cut.BACKUP_CUT);
                    }
                }
            }
        }
    }

    /** Makes sure slow-start steps run while a server ramps: one chain of steps per backend. */
    private void rampSteps() {
        long next = balancer.refreshWeights();
        if (next > 0 && ramping.compareAndSet(false, true)) {
            events.schedule(this::rampStep, next);
        }
    }

    /** One step of the slow starts under way, and the next one. */
    private void rampStep() {
        long next = balancer.refreshWeights();
        if (next > 0) {
            events.schedule(this::rampStep, next);
            return;
        }
        ramping.set(false);
        // A ramp that started while this step ended needs steps of its own.
        rampSteps();
    }

    private String prefix(BackendServer server) {
        return (server.backup() ? "Backup Server " : "Server ") + backend + "/" + server.name();
    }

    private String counts(String word) {
        int active = 0;
        int backup = 0;
        for (BackendServer s : servers) {
            if (s.usable()) {
                if (s.backup()) {
                    backup++;
                } else {
                    active++;
                }
            }
        }
        return active + " active and " + backup + " backup servers " + word + "."
                + (active == 0 && backup > 0 ? " Running on backup." : "");
    }
}
