package io.ferry.config.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Config;
import io.ferry.config.ConfigLoader;
import io.ferry.config.LoadResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisorTest {

    /** A roomy machine: no capacity finding unless a test asks for one. */
    static final MachineFacts ROOMY = new MachineFacts(1_048_576, 28_232, 4L << 30, false);

    /** Timeouts that draw no finding, for tests about something else. */
    static final String QUIET_DEFAULTS = """
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
                timeout http-request 10s
            """;

    /** One frontend routing everything to one backend with one server. */
    static final String FE_TO_BE = """
            frontend fe
                bind :8080
                default_backend be
            backend be
                server s1 127.0.0.1:9
            """;

    static Config load(String name, String text) {
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build().loadText(name, text);
        assertThat(r.errors()).isEmpty();
        return r.valid().orElseThrow();
    }

    static Config seed(String file) throws IOException {
        try (InputStream in = AdvisorTest.class.getResourceAsStream("/seed/" + file)) {
            return load(file, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    static List<Finding> advise(Config c, String rule) {
        return Advisor.advise(c, ROOMY).stream().filter(f -> f.rule().equals(rule)).toList();
    }

    @Test
    void theReportsConfigurationGetsTheLongTimeoutFindingWithItsNumbersAndLine() throws IOException {
        List<Finding> found = advise(seed("haproxy-seed.cfg"), "long-timeout");

        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        assertThat(f.location().toString()).isEqualTo("haproxy-seed.cfg:19");
        assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
        assertThat(f.subject()).isEqualTo("frontend all");
        assertThat(f.message())
                .contains("timeout client 24h and no timeout client-fin")
                .contains("With maxconn 500 (global, haproxy-seed.cfg:8), one vanished client every 24h/500 ≈ 2.9 min "
                        + "is enough to keep frontend all full")
                .contains("Ferry reaps half-closed client connections after min(timeout client, 30s) = 30s");
        assertThat(f.fix()).isEqualTo("timeout client-fin 30s");
        assertThat(f.format()).startsWith("[WARNING]  advice : [haproxy-seed.cfg:19] frontend all: timeout client 24h")
                .endsWith("Fix: timeout client-fin 30s [long-timeout]");
    }

    @Test
    void theFixedConfigurationGetsNoFindingAtAll() throws IOException {
        assertThat(Advisor.advise(seed("haproxy-seed-fixed.cfg"), ROOMY)).isEmpty();
    }

    @Test
    void webSocketRoutingAddsTheTunnelTimeoutToTheLongTimeoutFix() throws IOException {
        Config c = seed("haproxy-seed-websocket.cfg");

        assertThat(advise(c, "long-timeout")).singleElement().satisfies(f ->
                assertThat(f.fix()).isEqualTo("timeout client-fin 30s (and timeout tunnel 1h in the WebSocket backend)"));
        assertThat(advise(c, "websocket-tunnel")).singleElement().satisfies(f -> {
            assertThat(f.location().toString()).isEqualTo("haproxy-seed-websocket.cfg:24");
            assertThat(f.subject()).isEqualTo("backend node");
            assertThat(f.message()).contains("an idle WebSocket is closed after 10s of silence");
            assertThat(f.fix()).isEqualTo("timeout tunnel 1h");
        });
    }

    @Test
    void longServerAndTunnelTimeoutsWithoutFinTimeoutsAreFound() {
        Config c = load("t.cfg", QUIET_DEFAULTS + """
                frontend fe
                    bind :8080
                    maxconn 100
                    default_backend be
                backend be
                    timeout server 2h
                    timeout tunnel 8h
                    server s1 127.0.0.1:9
                """);

        List<Finding> found = advise(c, "long-timeout");
        assertThat(found).extracting(f -> f.location().line()).containsExactly(12, 13);
        assertThat(found.get(0).message()).contains("timeout server 2h and no timeout server-fin")
                .contains("one stalled server connection every 2h/100 ≈ 1.2 min");
        assertThat(found.get(0).fix()).isEqualTo("timeout server-fin 30s");
        assertThat(found.get(1).message()).contains("timeout tunnel 8h and no timeout client-fin")
                .contains("one vanished client every 8h/100 ≈ 4.8 min");
        assertThat(found.get(1).fix()).isEqualTo("timeout client-fin 30s (in frontend fe)");
    }

    @Test
    void longTimeoutsWithFinTimeoutsOrUnderAnHourAreFine() {
        Config c = load("t.cfg", QUIET_DEFAULTS + """
                frontend fe
                    bind :8080
                    timeout client 2h
                    timeout client-fin 30s
                    default_backend be
                backend be
                    timeout server 1h
                    timeout tunnel 8h
                    timeout server-fin 10s
                    server s1 127.0.0.1:9
                """);

        assertThat(advise(c, "long-timeout")).isEmpty();
    }

    @Test
    void missingClientServerAndConnectTimeoutsAreFoundWhereTheyApply() {
        Config c = load("t.cfg", """
                defaults
                    mode tcp
                frontend fe
                    bind :8080
                    default_backend be
                backend be
                    server s1 127.0.0.1:9
                """);

        assertThat(advise(c, "missing-timeout")).extracting(Finding::subject, Finding::fix).containsExactly(
                org.assertj.core.groups.Tuple.tuple("frontend fe", "timeout client 30s"),
                org.assertj.core.groups.Tuple.tuple("backend be", "timeout server 30s"),
                org.assertj.core.groups.Tuple.tuple("backend be", "timeout connect 5s"));
        assertThat(advise(load("q.cfg", QUIET_DEFAULTS + FE_TO_BE), "missing-timeout")).isEmpty();
    }

    @Test
    void anHttpFrontendWithoutHttpRequestTimeoutIsOpenToSlowloris() {
        Config c = load("t.cfg", """
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 1m
                    timeout server 30s
                frontend fe
                    bind :8080
                    maxconn 200
                    default_backend be
                backend be
                    server s1 127.0.0.1:9
                """);

        assertThat(advise(c, "slowloris")).singleElement().satisfies(f -> {
            assertThat(f.location().line()).isEqualTo(6);
            assertThat(f.message()).contains("waiting up to timeout client (1m) between bytes")
                    .contains("200 such clients take all of maxconn 200 (frontend, t.cfg:8)");
            assertThat(f.fix()).isEqualTo("timeout http-request 10s");
        });
        assertThat(advise(load("q.cfg", QUIET_DEFAULTS + FE_TO_BE), "slowloris")).isEmpty();
    }

    @Test
    void aWebSocketBackendWithATunnelTimeoutIsFine() {
        Config c = load("t.cfg", QUIET_DEFAULTS + """
                frontend fe
                    bind :8080
                    use_backend ws if { hdr(upgrade) -i websocket }
                    default_backend web
                backend ws
                    timeout tunnel 1h
                    server n1 127.0.0.1:9
                backend web
                    server s1 127.0.0.1:9
                """);

        assertThat(advise(c, "websocket-tunnel")).isEmpty();
    }

    @Test
    void keepAliveTimeoutWrittenInABackendHasNoEffect() throws IOException {
        assertThat(advise(seed("haproxy-seed.cfg"), "misplaced-timeout")).singleElement().satisfies(f -> {
            assertThat(f.location().toString()).isEqualTo("haproxy-seed.cfg:24");
            assertThat(f.severity()).isEqualTo(Finding.Severity.NOTICE);
            assertThat(f.message()).contains("frontend all applies timeout client (neither timeout http-keep-alive nor "
                    + "timeout http-request set) = 24h");
            assertThat(f.fix()).isEqualTo("move 'timeout http-keep-alive 5s' to frontend all");
        });
        Config inherited = load("d.cfg", QUIET_DEFAULTS + """
                    timeout http-keep-alive 5s
                frontend fe
                    bind :8080
                    default_backend be
                backend be
                    server s1 127.0.0.1:9
                """);
        assertThat(advise(inherited, "misplaced-timeout")).isEmpty();
    }

    @Test
    void maxconnBeyondTheDescriptorLimitIsFound() {
        Config c = load("t.cfg", "global\n    maxconn 1000\n" + QUIET_DEFAULTS + FE_TO_BE);

        List<Finding> found = Advisor.advise(c, new MachineFacts(1024, 28_232, 4L << 30, false)).stream()
                .filter(f -> f.rule().equals("fd-limit")).toList();
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.location().toString()).isEqualTo("t.cfg:2");
            assertThat(f.message()).contains("maxconn 1000 needs about 2033 file descriptors")
                    .contains("this process may open 1024: beyond about 495 connections");
            assertThat(f.fix()).startsWith("maxconn 495, or raise the limit to 2033");
        });
        assertThat(Advisor.advise(c, new MachineFacts(4096, 28_232, 4L << 30, false)))
                .noneMatch(f -> f.rule().equals("fd-limit"));
    }

    @Test
    void moreConnectionsTowardsOneServerThanLocalPortsIsFound() {
        Config c = load("t.cfg", "global\n    maxconn 50000\n" + QUIET_DEFAULTS + """
                frontend fe
                    bind :8080
                    default_backend be
                backend be
                    server big 127.0.0.1:9
                    server small 127.0.0.1:10 maxconn 1000
                """);

        List<Finding> found = Advisor.advise(c, ROOMY).stream().filter(f -> f.rule().equals("port-range")).toList();
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.location().line()).isEqualTo(13);
            assertThat(f.message()).contains("server big may be sent up to 50000 connections at once, but the kernel "
                    + "has only 28232 local ports");
            assertThat(f.fix()).isEqualTo("server big 127.0.0.1:9 maxconn 28232, or widen net.ipv4.ip_local_port_range");
        });
    }

    @Test
    void maxconnWhoseBuffersExceedTheHeapIsFound() {
        Config c = load("t.cfg", "global\n    maxconn 10000\n" + QUIET_DEFAULTS + FE_TO_BE);

        List<Finding> found = Advisor.advise(c, new MachineFacts(1_048_576, 28_232, 64L << 20, false)).stream()
                .filter(f -> f.rule().equals("memory")).toList();
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.message()).contains("maxconn 10000 at about 48 KiB per busy proxied connection")
                    .contains("needs about 469 MiB of heap; this JVM may use at most 64 MiB, enough for about 1365");
            assertThat(f.fix()).isEqualTo("maxconn 1365, or start the JVM with -Xmx533m");
        });
        assertThat(Advisor.advise(c, ROOMY)).noneMatch(f -> f.rule().equals("memory"));
    }

    @Test
    void serversThatTakeFewerConnectionsThanArriveNeedAQueueTimeout() {
        String sections = """
                frontend fe
                    bind :8080
                    maxconn 500
                    default_backend be
                backend be
                    server s1 127.0.0.1:9 maxconn 100
                    server s2 127.0.0.1:10 maxconn 100
                """;
        Config c = load("t.cfg", QUIET_DEFAULTS + sections);

        assertThat(advise(c, "queue")).singleElement().satisfies(f -> {
            assertThat(f.location().line()).isEqualTo(11);
            assertThat(f.message()).isEqualTo("its servers take 200 connections together (server maxconn) but up to "
                    + "500 can arrive: the other 300 wait in the queue for timeout connect (5s, as timeout queue is "
                    + "not set), then get 503");
            assertThat(f.fix()).isEqualTo("timeout queue 10s");
        });
        assertThat(advise(load("q.cfg", QUIET_DEFAULTS + "    timeout queue 10s\n" + sections), "queue")).isEmpty();
    }

    @Test
    void nbprocIsExplained() throws IOException {
        assertThat(advise(seed("haproxy-seed.cfg"), "nbproc")).singleElement().satisfies(f -> {
            assertThat(f.location().toString()).isEqualTo("haproxy-seed.cfg:9");
            assertThat(f.fix()).isEqualTo("nbthread 2");
        });
        assertThat(advise(seed("haproxy-seed-fixed.cfg"), "nbproc")).isEmpty();
    }

    @Test
    void aBackendNothingRoutesToIsFound() {
        Config c = load("t.cfg", QUIET_DEFAULTS + """
                frontend fe
                    bind :8080
                    use_backend api if { path_beg /api }
                    default_backend web
                backend web
                    server s1 127.0.0.1:9
                backend api
                    server s1 127.0.0.1:9
                backend old
                    server s1 127.0.0.1:9
                """);

        assertThat(advise(c, "unused-backend")).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("backend old");
            assertThat(f.location().line()).isEqualTo(15);
        });
    }

    @Test
    void findingsAreJsonForTools() throws IOException {
        String json = advise(seed("haproxy-seed.cfg"), "long-timeout").get(0).toJson();

        assertThat(json).startsWith("{\"severity\":\"warning\",\"file\":\"haproxy-seed.cfg\","
                + "\"line\":19,\"subject\":\"frontend all\",\"message\":\"timeout client 24h")
                .endsWith("\"fix\":\"timeout client-fin 30s\",\"rule\":\"long-timeout\"}");
        assertThat(io.ferry.config.Json.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    @Test
    void aCheckedServerThatNothingListensOnIsFound() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (ServerSocket open = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Config c = load("t.cfg", QUIET_DEFAULTS + """
                    backend be
                        server up 127.0.0.1:%d
                        server down 127.0.0.1:%d
                    """.formatted(open.getLocalPort(), closedPort));
            io.ferry.config.Proxy be = c.backend("be").orElseThrow();

            assertThat(SectionRules.unreachable(be, be.servers().get(0))).isEmpty();
            assertThat(SectionRules.unreachable(be, be.servers().get(1))).hasValueSatisfying(f -> {
                assertThat(f.location().line()).isEqualTo(9);
                assertThat(f.message()).isEqualTo("server down has check, but nothing accepts connections on "
                        + "127.0.0.1:" + closedPort + " now: its checks will fail and it will be marked DOWN within "
                        + "inter × fall = 6s of start-up");
            });
        }
    }

    @Test
    void aCheckedUnixSocketServerWhoseFileIsMissingIsFound(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path present = java.nio.file.Files.createFile(dir.resolve("present.sock"));
        Config c = load("t.cfg", QUIET_DEFAULTS + """
                backend be
                    server here unix@%s
                    server gone unix@%s
                """.formatted(present, dir.resolve("gone.sock")));
        io.ferry.config.Proxy be = c.backend("be").orElseThrow();

        assertThat(SectionRules.unreachable(be, be.servers().get(0))).isEmpty();
        assertThat(SectionRules.unreachable(be, be.servers().get(1))).hasValueSatisfying(f ->
                assertThat(f.message()).contains("the socket file " + dir.resolve("gone.sock") + " does not exist"));
    }

    @Test
    void retriesWithoutRedispatchAreFound() {
        String backend = """
                frontend fe
                    bind :8080
                    default_backend be
                backend be
                    retries 3
                    server s1 127.0.0.1:9
                    server s2 127.0.0.1:10
                """;
        assertThat(advise(load("t.cfg", QUIET_DEFAULTS + backend), "retries-redispatch")).singleElement()
                .satisfies(f -> {
                    assertThat(f.location().line()).isEqualTo(11);
                    assertThat(f.message()).isEqualTo("retries 3 without option redispatch retries the same server: "
                            + "when it is down, a request waits 4 connection attempts of up to 5s before it fails, "
                            + "even when another server is up");
                    assertThat(f.fix()).isEqualTo("option redispatch");
                });
        assertThat(advise(load("r.cfg", QUIET_DEFAULTS + "    option redispatch\n" + backend), "retries-redispatch"))
                .isEmpty();
        assertThat(advise(load("d.cfg", QUIET_DEFAULTS + FE_TO_BE), "retries-redispatch")).isEmpty();
    }

    @Test
    void nolingerInDefaultsIsFound() {
        assertThat(advise(load("t.cfg", QUIET_DEFAULTS + "    option nolinger\n" + FE_TO_BE), "nolinger-defaults"))
                .singleElement().satisfies(f -> {
                    assertThat(f.location().line()).isEqualTo(7);
                    assertThat(f.subject()).isEqualTo("defaults");
                    assertThat(f.fix()).startsWith("no option nolinger");
                });
        String inBackend = FE_TO_BE.replace("backend be\n", "backend be\n    option nolinger\n");
        assertThat(advise(load("b.cfg", QUIET_DEFAULTS + inBackend), "nolinger-defaults")).isEmpty();
    }

    @Test
    void theAdvisorProbesCheckedServersOnlyWhenAllowed() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Config c = load("t.cfg", QUIET_DEFAULTS + """
                frontend fe
                    bind :8080
                    default_backend be
                backend be
                    server down 127.0.0.1:%d check
                    server unchecked 127.0.0.1:%d
                """.formatted(closedPort, closedPort));

        MachineFacts probing = new MachineFacts(1_048_576, 28_232, 4L << 30, true);
        assertThat(Advisor.advise(c, probing).stream().filter(f -> f.rule().equals("check-address")))
                .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(11));
        assertThat(Advisor.advise(c, probing.withoutProbes())).noneMatch(f -> f.rule().equals("check-address"));
    }
}
