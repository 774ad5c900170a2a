package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessKeywordsTest extends KeywordTestSupport {

    @Test
    void processSettings() {
        GlobalSettings g = load("""
                global
                    ulimit-n 65536
                    hard-stop-after 30s
                    spread-checks 5
                    tune.bufsize 32k
                    tune.maxrewrite 4096
                    tune.http.maxhdr 200
                    tune.sndbuf.client 4096
                    tune.rcvbuf.client 8192
                    tune.sndbuf.server 16384
                    tune.rcvbuf.server 32768
                    pidfile /run/ferry.pid
                    daemon
                """).global();
        assertThat(g.ulimitN()).isEqualTo(65536);
        assertThat(g.hardStopAfterMs()).isEqualTo(30_000);
        assertThat(g.spreadChecks()).isEqualTo(5);
        assertThat(g.bufsize()).isEqualTo(32768);
        assertThat(g.maxrewrite()).isEqualTo(4096);
        assertThat(g.maxHeaders()).isEqualTo(200);
        assertThat(g.clientSndbuf()).isEqualTo(4096);
        assertThat(g.clientRcvbuf()).isEqualTo(8192);
        assertThat(g.serverSndbuf()).isEqualTo(16384);
        assertThat(g.serverRcvbuf()).isEqualTo(32768);
        assertThat(g.pidfile()).isEqualTo("/run/ferry.pid");
        assertThat(g.daemon()).isTrue();
        assertThat(g.masterWorker()).isFalse();
    }

    @Test
    void defaultsAreHaproxys() {
        GlobalSettings g = load("global\n").global();
        assertThat(g.ulimitN()).isZero();
        assertThat(g.hardStopAfterMs()).isZero();
        assertThat(g.spreadChecks()).isZero();
        assertThat(g.bufsize()).isEqualTo(16384);
        assertThat(g.maxrewrite()).isEqualTo(1024);
        assertThat(g.maxHeaders()).isEqualTo(101);
        assertThat(g.clientSndbuf()).as("the kernel sizes it").isZero();
        assertThat(g.clientRcvbuf()).isZero();
        assertThat(g.serverSndbuf()).isZero();
        assertThat(g.serverRcvbuf()).isZero();
        assertThat(g.pidfile()).isEmpty();
        assertThat(g.daemon()).isFalse();
    }

    @Test
    void maxrewriteIsCappedAtHalfABuffer() {
        assertThat(load("global\n    tune.bufsize 4096\n    tune.maxrewrite 3000\n").global().maxrewrite()).isEqualTo(2048);
    }

    @Test
    void cpuMapAndMasterWorkerAreAcceptedWithWarnings() {
        String text = "global\n    cpu-map auto:1/1-4 0-3\n    master-worker\n";
        assertThat(load(text).global().masterWorker()).isTrue();
        assertThat(warnings(text)).containsExactly(
                "parsing [t.cfg:2] : 'cpu-map' : cpu-map is not applied: Ferry leaves thread placement to the "
                        + "operating system. Fix: remove the line, or pin the whole process with taskset or systemd's "
                        + "CPUAffinity=",
                "parsing [t.cfg:3] : 'master-worker' : Ferry runs as one process: there is no separate master, and a "
                        + "reload replaces the configuration inside the running process. Fix: remove the line; SIGHUP "
                        + "or SIGUSR2 reloads");
    }

    @Test
    void processErrors() {
        assertThat(errors("""
                global
                    tune.bufsize 100
                    tune.http.maxhdr 0
                    spread-checks 51
                    ulimit-n lots
                    hard-stop-after 30x
                    master-worker exit-on-failure
                    daemon now
                    cpu-map 1
                    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256
                    tune.sndbuf.client 4k
                    tune.rcvbuf.server -1
                """)).containsExactly(
                "parsing [t.cfg:2] : 'tune.bufsize' : value 100 for 'tune.bufsize' is out of range. "
                        + "Fix: use a value between 1024 and 1073741824",
                "parsing [t.cfg:3] : 'tune.http.maxhdr' : value 0 for 'tune.http.maxhdr' is out of range. "
                        + "Fix: use a value between 1 and 32767",
                "parsing [t.cfg:4] : 'spread-checks' : value 51 for 'spread-checks' is out of range. "
                        + "Fix: use a value between 0 and 50",
                "parsing [t.cfg:5] : 'ulimit-n' : 'lots' is not an integer for 'ulimit-n'. "
                        + "Fix: write a decimal integer between 0 and 2147483647",
                "parsing [t.cfg:6] : 'hard-stop-after' : unexpected character 'x' in time '30x' for 'hard-stop-after'. "
                        + "Fix: use an integer with one of the units us, ms, s, m, h, d, e.g. 30s",
                "parsing [t.cfg:7] : 'master-worker' : 'master-worker' only supports 'no-exit-on-failure' (got "
                        + "'exit-on-failure'). Fix: write 'master-worker'",
                "parsing [t.cfg:8] : 'daemon' : unexpected extra argument 'now'. Fix: write it as: daemon",
                "parsing [t.cfg:9] : 'cpu-map' : expects at least 2 arguments, got 1. "
                        + "Fix: write it as: cpu-map [auto:]THREAD-SET CPU-SET...",
                "parsing [t.cfg:10] : 'ssl-default-bind-ciphersuites' is an HAProxy keyword that Ferry does not "
                        + "support: Ferry does not terminate TLS; put a TLS terminator in front of it. Fix: remove the line",
                "parsing [t.cfg:11] : 'tune.sndbuf.client' : '4k' is not an integer for 'tune.sndbuf.client'. "
                        + "Fix: write a decimal integer between 0 and 1073741824",
                "parsing [t.cfg:12] : 'tune.rcvbuf.server' : value -1 for 'tune.rcvbuf.server' is out of range. "
                        + "Fix: use a value between 0 and 1073741824");
    }

    @Test
    void disabledIsInheritedAndEnabledCancelsIt() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    disabled\n") + """
                backend off
                backend on
                    enabled
                    description Main application servers
                """);
        assertThat(backend(c, "off").disabled()).isTrue();
        assertThat(backend(c, "off").description()).isEmpty();
        assertThat(backend(c, "on").disabled()).isFalse();
        assertThat(backend(c, "on").description()).isEqualTo("Main application servers");
    }

    @Test
    void proxyStateErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                    description shared
                backend b
                    disabled now
                    description
                """)).containsExactly(
                "parsing [t.cfg:6] : 'description' is not allowed in a 'defaults' section. "
                        + "Fix: move it to a backend or frontend or listen section",
                "parsing [t.cfg:8] : 'disabled' : unexpected extra argument 'now'. Fix: write it as: disabled",
                "parsing [t.cfg:9] : 'description' : missing argument. Fix: write it as: description TEXT...");
    }
}
