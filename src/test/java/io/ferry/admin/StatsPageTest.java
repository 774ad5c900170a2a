package io.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerState;
import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.JsonReader;
import io.ferry.testing.TestOrigin;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stats page of {@code stats enable}: its HTML, CSV and JSON, authentication, the admin form, and the chart's history. */
@SuppressWarnings("unchecked")
class StatsPageTest extends AdminTestBase {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> request(int listener, String path, String... headers) throws Exception {
        return http.send(builder(listener, path, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder builder(int listener, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + ferry.boundAddresses().get(listener).getPort() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b;
    }

    private HttpResponse<String> post(int listener, String path, String form) throws Exception {
        return http.send(builder(listener, path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(String proxies) {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + proxies));
    }

    @Test
    void thePageShowsEachProxyWithTheRowsOfShowStat() throws Exception {
        TestOrigin origin = TestOrigin.start("o");
        resources.add(origin);
        start("""
                frontend fe
                    bind 127.0.0.1:0
                    stats uri /stats
                    stats refresh 10s
                    default_backend be
                backend be
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d disabled
                """.formatted(origin.port(), origin.port()));
        assertThat(request(0, "/x").body()).isEqualTo("o GET /x");

        HttpResponse<String> page = request(0, "/stats");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(page.headers().firstValue("refresh")).hasValue("10");
        assertThat(page.body()).contains("<title>Statistics Report for Ferry</title>", "id=\"version\"",
                "<table class=\"proxy\" data-proxy=\"fe\">", "<table class=\"proxy\" data-proxy=\"be\">",
                "<tr class=\"server other\"><th>s1</th>", "<th>s2</th>", "MAINT",
                "data-ferry-chart=\"/stats\"", "function draw(");
        assertThat(page.body()).doesNotContain("<form");
        assertThat(request(0, "/stats;norefresh").headers().firstValue("refresh")).isEmpty();

        HttpResponse<String> csv = request(0, "/stats;csv");
        assertThat(csv.headers().firstValue("content-type")).hasValue("text/plain");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo(Column.header());
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("fe,FRONTEND,,,"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("be,s1,0,0,0,1,,1,"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("be,BACKEND,0,0,0,1,"));
        // The same rows as the runtime API's show stat.
        assertThat(lines).hasSize(StatTable.rows(ferry).size() + 1);

        Object json = JsonReader.parse(request(0, "/stats;json").body());
        assertThat(json).isInstanceOf(List.class);
        assertThat((List<?>) json).hasSize(4);
        assertThat(request(0, "/stats;typed").body()).contains("S.2.1.1.svname.1:KNS:str:s1\n");
        assertThat(request(0, "/stats;csv;up").body()).contains("be,s1,").doesNotContain("be,s2,");
        assertThat(request(0, "/stats;csv;no-maint").body()).doesNotContain("be,s2,");
        // Other paths still go to the server.
        assertThat(request(0, "/statistics-elsewhere?x").statusCode()).isEqualTo(200);
    }

    @Test
    void hideVersionLeavesTheVersionOut() throws Exception {
        start("""
                listen stats
                    bind 127.0.0.1:0
                    stats enable
                    stats hide-version
                    stats show-legends
                    server s1 127.0.0.1:9
                """);
        HttpResponse<String> page = request(0, "/haproxy?stats");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("id=\"version\"").contains("<table id=\"legend\">",
                "<th title=\"127.0.0.1:9\">s1</th>");
    }

    @Test
    void statsAuthAsksForAnAccountOfTheRealm() throws Exception {
        start("""
                listen stats
                    bind 127.0.0.1:0
                    stats uri /s
                    stats realm Operations
                    stats auth admin:secret
                    stats auth viewer:other
                """);
        HttpResponse<String> none = request(0, "/s");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"Operations\"");
        assertThat(none.body()).contains("401 Unauthorized");
        assertThat(request(0, "/s", "Authorization", basic("admin:wrong")).statusCode()).isEqualTo(401);
        assertThat(request(0, "/s", "Authorization", "Basic %%%").statusCode()).isEqualTo(401);
        assertThat(request(0, "/s", "Authorization", basic("admin:secret")).statusCode()).isEqualTo(200);
        assertThat(request(0, "/s;csv", "Authorization", basic("viewer:other")).statusCode()).isEqualTo(200);
    }

    private static String basic(String account) {
        return "Basic " + Base64.getEncoder().encodeToString(account.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theAdminFormChangesServerStatesWhereTheConditionHolds() throws Exception {
        TestOrigin origin = TestOrigin.start("o");
        resources.add(origin);
        start("""
                listen admin
                    bind 127.0.0.1:0
                    stats uri /stats
                    stats admin if { src 127.0.0.1 }
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d
                listen readonly
                    bind 127.0.0.1:0
                    stats uri /stats
                    stats admin if { src 10.0.0.1 }
                    server s1 127.0.0.1:%d
                """.formatted(origin.port(), origin.port(), origin.port()));
        BackendServer s1 = ferry.servers("admin").get(0);
        String page = request(0, "/stats").body();
        assertThat(page).contains("<form method=\"post\" action=\"/stats\">",
                "<input type=\"checkbox\" name=\"s\" value=\"s1\">", "<input type=\"hidden\" name=\"b\" value=\"#1\">");

        HttpResponse<String> maint = post(0, "/stats", "s=s1&action=maint&b=%231");
        assertThat(maint.statusCode()).isEqualTo(303);
        assertThat(maint.headers().firstValue("location")).hasValue("/stats;st=DONE");
        assertThat(s1.state().admin()).isEqualTo(ServerState.Admin.MAINT);
        assertThat(request(0, "/stats;st=DONE").body()).contains("Action processed successfully.");
        // The page still answers the next request on the same connection.
        assertThat(post(0, "/stats", "s=s1&s=nobody&action=ready&b=admin").headers().firstValue("location"))
                .hasValue("/stats;st=PART");
        assertThat(s1.state().admin()).isEqualTo(ServerState.Admin.READY);
        assertThat(post(0, "/stats", "action=drain&b=%231").headers().firstValue("location"))
                .hasValue("/stats;st=NONE");
        assertThat(post(0, "/stats", "s=s1&action=explode&b=%231").headers().firstValue("location"))
                .hasValue("/stats;st=ERRP");
        assertThat(post(0, "/stats;norefresh", "s=s1&action=drain&b=%239").headers().firstValue("location"))
                .hasValue("/stats;norefresh;st=ERRP");
        String big = "s=s1&action=maint&b=%231&pad=" + "x".repeat(20000);
        assertThat(post(0, "/stats", big).headers().firstValue("location")).hasValue("/stats;st=EXCD");
        assertThat(s1.state().admin()).isEqualTo(ServerState.Admin.READY);

        // Where the condition does not hold there is no form, and a posted one is refused.
        assertThat(request(1, "/stats").body()).doesNotContain("<form");
        HttpResponse<String> denied = post(1, "/stats", "s=s1&action=maint&b=%232");
        assertThat(denied.headers().firstValue("location")).hasValue("/stats;st=DENY");
        assertThat(ferry.servers("readonly").get(0).state().admin()).isEqualTo(ServerState.Admin.READY);
    }

    @Test
    void maintenanceFromTheAdminFormClosesTheServersStreamsLikeTheRuntimeApi() throws Exception {
        TestOrigin origin = TestOrigin.start("o");
        resources.add(origin);
        start("""
                listen admin
                    bind 127.0.0.1:0
                    stats uri /stats
                    stats admin if TRUE
                    server s1 127.0.0.1:%d check inter 100 on-marked-down shutdown-sessions
                """.formatted(origin.port()));
        try (io.ferry.testing.RawClient c = new io.ferry.testing.RawClient(ferry.boundAddresses().get(0))) {
            c.send("GET /delay/8000 HTTP/1.1\r\nHost: a\r\n\r\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> ferry.streams().stream()
                    .anyMatch(st -> "s1".equals(st.server())));
            HttpResponse<String> maint = post(0, "/stats", "s=s1&action=maint&b=%231");
            assertThat(maint.headers().firstValue("location")).hasValue("/stats;st=DONE");
            // on-marked-down shutdown-sessions: the request waiting on s1 gets a 502 and its connection ends.
            assertThat(c.readAll()).startsWith("HTTP/1.1 502 ");
        }
    }

    @Test
    void aBackendServesItsPageToTheRequestsRoutedToIt() throws Exception {
        TestOrigin origin = TestOrigin.start("o");
        resources.add(origin);
        start("""
                frontend fe
                    bind 127.0.0.1:0
                    use_backend monitoring if { path_beg /monitor }
                    default_backend be
                backend monitoring
                    stats uri /monitor/stats
                    server m1 127.0.0.1:%d
                backend be
                    server s1 127.0.0.1:%d
                """.formatted(origin.port(), origin.port()));
        assertThat(request(0, "/monitor/stats;csv").body()).startsWith(Column.header());
        assertThat(request(0, "/monitor/other").body()).isEqualTo("o GET /monitor/other");
        // The frontend has no page of its own.
        assertThat(request(0, "/haproxy?stats").body()).isEqualTo("o GET /haproxy?stats");
    }

    @Test
    void theChartsHistoryFollowsTheConnectionStates() throws Exception {
        java.net.ServerSocket server = tcpServer(s -> { });
        start("""
                listen stats
                    bind 127.0.0.1:0
                    stats uri /stats
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    server t1 127.0.0.1:%d
                """.formatted(server.getLocalPort()));
        HttpResponse<String> chart = request(0, "/stats;chart");
        assertThat(chart.headers().firstValue("content-type")).hasValue("application/javascript; charset=utf-8");
        assertThat(chart.body()).contains("data-ferry-chart");

        Socket tunnel = new Socket();
        tunnel.connect(ferry.boundAddresses().get(1), 5000);
        await().atMost(Duration.ofSeconds(20)).until(() -> latest("frontend", "raw", "tunnel") == 1);
        tunnel.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> latest("frontend", "raw", "tunnel") == 0);
        Map<?, ?> history = (Map<?, ?>) JsonReader.parse(request(0, "/stats;states").body());
        assertThat(history.get("interval")).isEqualTo(1000.0);
        assertThat((List<Object>) history.get("states")).containsExactly("established", "queued", "tunnel",
                "half-closed-client", "half-closed-server");
        assertThat((List<?>) history.get("proxies")).extracting(p -> ((Map<?, ?>) p).get("type") + " "
                + ((Map<?, ?>) p).get("name")).containsExactly("frontend stats", "frontend raw", "backend stats",
                "backend raw");
    }

    /** The newest sample of {@code state} for a proxy, from the page's {@code ;states}. */
    private double latest(String type, String name, String state) throws Exception {
        Map<?, ?> history = (Map<?, ?>) JsonReader.parse(request(0, "/stats;states").body());
        int column = ((List<?>) history.get("states")).indexOf(state) + 1;
        for (Object o : (List<?>) history.get("proxies")) {
            Map<?, ?> p = (Map<?, ?>) o;
            if (p.get("type").equals(type) && p.get("name").equals(name)) {
                List<?> samples = (List<?>) p.get("samples");
                return (Double) ((List<?>) samples.get(samples.size() - 1)).get(column);
            }
        }
        throw new AssertionError("no " + type + " " + name);
    }
}
