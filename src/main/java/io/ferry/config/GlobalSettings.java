package io.ferry.config;

import java.util.List;

/**
 * The merged {@code global} sections.
 *
 * @param maxconn the process-wide connection limit; 0 when unset (derived from the descriptor limit at start)
 * @param nbthread event-loop threads; 0 when unset (the available cores)
 * @param ulimitN the descriptor limit to ask for; 0 when unset
 * @param hardStopAfterMs how long an old generation may finish its streams after a reload or soft stop; 0 for no bound
 * @param bufsize {@code tune.bufsize}, the largest request or response head, default 16384
 * @param maxrewrite {@code tune.maxrewrite}, room kept for header rewrites, default 1024
 * @param maxHeaders {@code tune.http.maxhdr}, default 101
 * @param spreadChecks {@code spread-checks} percent, 0..50
 * @param pidfile where {@code -D} writes the process id, empty for none
 * @param masterWorker {@code master-worker} was written (Ferry stays one process)
 * @param statsTimeoutMs idle timeout of runtime API connections, default 10 s
 * @param noIoUring {@code noiouring} was written: run on epoll even where io_uring is available
 * @param noReusePort {@code noreuseport} was written: one listening socket per TCP bind, without
 *                    {@code SO_REUSEPORT}, instead of one for each event loop
 * @param clientSndbuf {@code tune.sndbuf.client} in bytes, 0 when unset (the kernel sizes it)
 * @param clientRcvbuf {@code tune.rcvbuf.client}, likewise
 * @param serverSndbuf {@code tune.sndbuf.server}, likewise
 * @param serverRcvbuf {@code tune.rcvbuf.server}, likewise
 */
public record GlobalSettings(Located<Integer> maxconn, int nbthread, int ulimitN, long hardStopAfterMs, boolean daemon,
                             String pidfile, List<StatsSocket> statsSockets, long statsTimeoutMs,
                             List<LogTarget> logs, int bufsize, int maxrewrite, int maxHeaders, int spreadChecks,
                             Located<Integer> nbproc, boolean masterWorker,
                             boolean noIoUring, boolean noReusePort, int clientSndbuf, int clientRcvbuf,
                             int serverSndbuf, int serverRcvbuf) {

    /**
     * A {@code stats socket} line for the runtime API.
     *
     * @param level what its commands may do, default {@link Level#OPERATOR}
     * @param mode permissions of a unix socket, -1 when unset
     * @param exposeFdListeners {@code expose-fd listeners} was written (it has no effect in Ferry)
     */
    public record StatsSocket(Address address, Level level, int mode, boolean exposeFdListeners, Location location) {

        public enum Level { USER, OPERATOR, ADMIN }
    }
}
