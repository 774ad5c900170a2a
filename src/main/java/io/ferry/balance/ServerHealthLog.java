package io.ferry.balance;

import io.ferry.check.CheckResult;
import io.ferry.check.CheckSpec;
import java.util.List;
import java.util.function.IntSupplier;
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
 */
public final class ServerHealthLog {

    private static final Logger LOG = LoggerFactory.getLogger(ServerHealthLog.class);

    private final String backend;
    private final List<BackendServer> servers;
    private final IntSupplier dispatchQueued;

    /**
     * @param dispatchQueued hands free slots to the backend's waiting streams; returns how many it served
     */
    public ServerHealthLog(String backend, List<BackendServer> servers, IntSupplier dispatchQueued) {
        this.backend = backend;
        this.servers = List.copyOf(servers);
        this.dispatchQueued = dispatchQueued;
    }

    /** The phase that picks the interval to {@code server}'s next check. */
    public static CheckSpec.Phase phase(BackendServer server) {
        ServerState s = server.state();
        if (s.transitional()) {
            return CheckSpec.Phase.CHANGING;
        }
        return s.up() ? CheckSpec.Phase.HEALTHY : CheckSpec.Phase.DOWN;
    }

    /** Records {@code result} on {@code server}, counts it, and logs a change of state; returns the line logged, or null. */
    public String checked(BackendServer server, CheckResult result) {
        ServerState state = server.state();
        state.lastCheck(new ServerState.LastCheck(result.status().name(), result.code(), result.durationMs()));
        ServerState.Change change = result.passed() ? state.checkPassed() : state.checkFailed();
        if (change == null) {
            return null;
        }
        String line;
        if (change.to() == ServerState.Operational.DOWN) {
            line = prefix(server) + " is DOWN, " + result.describe() + ". " + counts("left") + " "
                    + server.connections() + " sessions active, 0 requeued, 0 remaining in queue.";
        } else {
            int requeued = dispatchQueued.getAsInt();
            line = prefix(server) + " is UP, " + result.describe() + ". " + counts("online") + " "
                    + requeued + " sessions requeued, 0 total in queue.";
        }
        LOG.warn(line);
        if (change.to() == ServerState.Operational.DOWN && servers.stream().noneMatch(BackendServer::usable)) {
            LOG.error("backend {} has no server available!", backend);
        }
        return line;
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
