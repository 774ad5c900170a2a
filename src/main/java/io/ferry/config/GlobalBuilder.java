package io.ferry.config;

import java.util.ArrayList;
import java.util.List;

/** The mutable state of the {@code global} sections while they are parsed; several merge into one. */
final class GlobalBuilder {

    Located<Integer> maxconn;
    int nbthread;
    int ulimitN;
    long hardStopAfterMs;
    boolean daemon;
    String pidfile = "";
    final List<GlobalSettings.StatsSocket> statsSockets = new ArrayList<>();
    long statsTimeoutMs = 10_000;
    final List<LogTarget> logs = new ArrayList<>();
    int bufsize = 16384;
    int maxrewrite = 1024;
    int maxHeaders = 101;
    int spreadChecks;
    Located<Integer> nbproc;
    boolean masterWorker;
    boolean noIoUring;
    boolean noReusePort;
    int clientSndbuf;
    int clientRcvbuf;
    int serverSndbuf;
    int serverRcvbuf;

    GlobalSettings build() {
        // HAProxy silently caps the rewrite reserve at half a buffer.
        int rewrite = Math.min(maxrewrite, bufsize / 2);
        return new GlobalSettings(maxconn, nbthread, ulimitN, hardStopAfterMs, daemon, pidfile,
                List.copyOf(statsSockets), statsTimeoutMs, List.copyOf(logs), bufsize, rewrite, maxHeaders,
                spreadChecks, nbproc, masterWorker, noIoUring, noReusePort, clientSndbuf, clientRcvbuf,
                serverSndbuf, serverRcvbuf);
    }
}
