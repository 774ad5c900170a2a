package io.ferry.config;

/**
 * Global keywords about the process and its limits ({@code ulimit-n}, {@code hard-stop-after},
 * {@code tune.*}, {@code daemon}, ...), and the proxy keywords {@code disabled}, {@code enabled}
 * and {@code description}.
 */
final class ProcessKeywords {

    private ProcessKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("ulimit-n", "g", "ulimit-n NUMBER", line -> {
            line.expectArgs(1, 1);
            line.global().ulimitN = line.integer(0, 0, Integer.MAX_VALUE);
        });
        r.add("hard-stop-after", "g", "hard-stop-after TIME", line -> {
            line.expectArgs(1, 1);
            line.global().hardStopAfterMs = line.time(0);
        });
        r.add("cpu-map", "g", "cpu-map [auto:]THREAD-SET CPU-SET...", line -> {
            line.expectArgs(2, Integer.MAX_VALUE);
            line.warn("cpu-map is not applied: Ferry leaves thread placement to the operating system",
                    "remove the line, or pin the whole process with taskset or systemd's CPUAffinity=");
        });
        r.add("spread-checks", "g", "spread-checks PERCENT", line -> {
            line.expectArgs(1, 1);
            line.global().spreadChecks = line.integer(0, 0, 50);
        });
        r.add("tune.bufsize", "g", "tune.bufsize SIZE", line -> {
            line.expectArgs(1, 1);
            line.global().bufsize = (int) Values.integer(String.valueOf(line.size(0)), "tune.bufsize", 1024, 1 << 30);
        });
        r.add("tune.maxrewrite", "g", "tune.maxrewrite SIZE", line -> {
            line.expectArgs(1, 1);
            line.global().maxrewrite = (int) Values.integer(String.valueOf(line.size(0)), "tune.maxrewrite", 0, 1 << 30);
        });
        r.add("tune.http.maxhdr", "g", "tune.http.maxhdr NUMBER", line -> {
            line.expectArgs(1, 1);
            line.global().maxHeaders = line.integer(0, 1, 32767);
        });
        socketBuffer(r, "tune.sndbuf.client", (g, bytes) -> g.clientSndbuf = bytes);
        socketBuffer(r, "tune.rcvbuf.client", (g, bytes) -> g.clientRcvbuf = bytes);
        socketBuffer(r, "tune.sndbuf.server", (g, bytes) -> g.serverSndbuf = bytes);
        socketBuffer(r, "tune.rcvbuf.server", (g, bytes) -> g.serverRcvbuf = bytes);
        r.add("pidfile", "g", "pidfile PATH", line -> {
            line.expectArgs(1, 1);
            line.global().pidfile = line.arg(0);
        });
        r.add("daemon", "g", "daemon", line -> {
            line.expectArgs(0, 0);
            line.global().daemon = true;
        });
        r.add("noiouring", "g", "noiouring", line -> {
            line.expectArgs(0, 0);
            line.global().noIoUring = true;
        });
        r.add("noreuseport", "g", "noreuseport", line -> {
            line.expectArgs(0, 0);
            line.global().noReusePort = true;
        });
        r.add("master-worker", "g", "master-worker [no-exit-on-failure]", line -> {
            line.expectArgs(0, 1);
            if (line.argCount() == 1 && !line.arg(0).equals("no-exit-on-failure")) {
                throw new ConfigProblem("'master-worker' only supports 'no-exit-on-failure' (got '" + line.arg(0) + "')",
                        "write 'master-worker'");
            }
            line.global().masterWorker = true;
            line.warn("Ferry runs as one process: there is no separate master, and a reload replaces the "
                    + "configuration inside the running process", "remove the line; SIGHUP or SIGUSR2 reloads");
        });

        r.add("disabled", "d f l b", "disabled", line -> {
            line.expectArgs(0, 0);
            line.proxy().disabled = true;
        });
        r.add("enabled", "d f l b", "enabled", line -> {
            line.expectArgs(0, 0);
            line.proxy().disabled = false;
        });
        r.add("description", "f l b", "description TEXT...", line -> {
            line.expectArgs(1, Integer.MAX_VALUE);
            line.proxy().description = String.join(" ", line.args(0));
        });
    }

    /** A kernel socket buffer size: a plain number of bytes, 0 (the kernel sizes it) to 1 GiB. */
    private static void socketBuffer(KeywordRegistry r, String keyword, java.util.function.ObjIntConsumer<GlobalBuilder> set) {
        r.add(keyword, "g", keyword + " NUMBER", line -> {
            line.expectArgs(1, 1);
            set.accept(line.global(), line.integer(0, 0, 1 << 30));
        });
    }
}
