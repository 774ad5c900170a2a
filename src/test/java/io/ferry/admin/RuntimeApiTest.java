package io.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.proxy.Ferry;
import io.ferry.proxy.ProxyCounters;
import io.ferry.testing.Configs;
import io.ferry.testing.TestOrigin;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime API on stats sockets: each command's output, the levels, and what the commands change. */
class RuntimeApiTest extends AdminTestBase {

    /** HAProxy 2.6's first 51 columns, as its {@code show stat} prints them. */
    private static final String HAPROXY_HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,"
            + "ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,"
            + "throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,"
            + "hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, InetSocketAddress> sockets = new HashMap<>();

    private TestOrigin origin(String name) {
        TestOrigin o = TestOrigin.start(name);
        resources.add(o);
        return o;
    }

    /** Starts Ferry with {@code body} after a global section with a stats socket per level, on ephemeral ports. */
    private void start(String body) throws Exception {
        List<String> levels = List.of("user", "operator", "admin");
        StringBuilder global = new StringBuilder("global\n");
        for (String level : levels) {
            global.append("    stats socket 127.0.0.1:0 level ").append(level).append('\n');
        }
        ferry = Ferry.start(Configs.parse(global + Configs.HTTP_DEFAULTS + body));
        for (int i = 0; i < levels.size(); i++) {
            sockets.put(levels.get(i), (InetSocketAddress) ferry.serviceAddresses().get(i));
        }
    }

    private String cli(String level, String line) throws Exception {
        return cli(sockets.get(level), line);
    }

    private String get(String path) throws Exception {
        InetSocketAddress a = ferry.boundAddresses().get(0);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private String twoServers(TestOrigin a, TestOrigin b) {
        return """
                frontend fe
                    bind 127.0.0.1:0
                    default_backend be
                backend be
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d
                """.formatted(a.port(), b.port());
    }

    /** Starts {@code fe} in front of {@code be}, whose two servers are one origin. */
    private void startOnOneOrigin() throws Exception {
        TestOrigin o = origin("o1");
        start(twoServers(o, o));
    }

    /** The CSV parsed: a map per row from column name to value. */
    private static List<Map<String, String>> csv(String text) {
        String[] lines = text.split("\n");
        assertThat(lines[0]).isEqualTo(HAPROXY_HEADER);
        String[] names = lines[0].substring(2).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            String[] values = lines[i].split(",", -1);
            assertThat(values).as("fields of " + lines[i]).hasSize(names.length);
            Map<String, String> row = new HashMap<>();
            for (int j = 0; j < names.length - 1; j++) {
                row.put(names[j], values[j]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, String> row(List<Map<String, String>> rows, String px, String sv) {
        return rows.stream().filter(r -> r.get("pxname").equals(px) && r.get("svname").equals(sv)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + px + "/" + sv + " in " + rows));
    }

    @Test
    void showStatHasHaproxyColumnsAndCountsRequests() throws Exception {
        TestOrigin o1 = origin("o1");
        TestOrigin o2 = origin("o2");
        start(twoServers(o1, o2));
        for (int i = 0; i < 4; i++) {
            assertThat(get("/x")).startsWith("200 ");
        }
        assertThat(get("/status/404")).startsWith("404");
        String out = cli("user", "show stat");
        assertThat(out).endsWith(",\n\n");
        List<Map<String, String>> rows = csv(out);
        assertThat(rows).extracting(r -> r.get("pxname") + "/" + r.get("svname"))
                .containsExactly("fe/FRONTEND", "be/s1", "be/s2", "be/BACKEND");
        Map<String, String> fe = row(rows, "fe", "FRONTEND");
        assertThat(fe.get("type")).isEqualTo("0");
        assertThat(fe.get("req_tot")).isEqualTo("5");
        assertThat(fe.get("hrsp_2xx")).isEqualTo("4");
        assertThat(fe.get("hrsp_4xx")).isEqualTo("1");
        assertThat(fe.get("status")).isEqualTo("OPEN");
        assertThat(Long.parseLong(fe.get("bin"))).isPositive();
        assertThat(Long.parseLong(fe.get("bout"))).isPositive();
        assertThat(fe.get("econ")).isEmpty();
        assertThat(fe.get("rate")).isEmpty();
        Map<String, String> be = row(rows, "be", "BACKEND");
        assertThat(be.get("type")).isEqualTo("1");
        assertThat(be.get("stot")).isEqualTo("5");
        assertThat(be.get("lbtot")).isEqualTo("5");
        assertThat(be.get("req_tot")).isEqualTo("5");
        assertThat(be.get("status")).isEqualTo("UP");
        assertThat(be.get("act")).isEqualTo("2");
        assertThat(be.get("weight")).isEqualTo("2");
        Map<String, String> s1 = row(rows, "be", "s1");
        Map<String, String> s2 = row(rows, "be", "s2");
        assertThat(s1.get("type")).isEqualTo("2");
        assertThat(s1.get("sid")).isEqualTo("1");
        assertThat(s2.get("sid")).isEqualTo("2");
        assertThat(s1.get("status")).isEqualTo("no check");
        assertThat(Long.parseLong(s1.get("lbtot")) + Long.parseLong(s2.get("lbtot"))).isEqualTo(5);
        assertThat(Long.parseLong(s1.get("hrsp_2xx")) + Long.parseLong(s2.get("hrsp_2xx"))).isEqualTo(4);
        assertThat(s1.get("iid")).isEqualTo(be.get("iid"));
        // Every transaction ended; the client keeps its connection open.
        // (A transaction leaves the counts just after its response is flushed.)
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<Map<String, String>> after = csv(cli("user", "show stat"));
            return row(after, "be", "BACKEND").get("scur").equals("0") && row(after, "be", "s1").get("scur").equals("0")
                    && row(after, "fe", "FRONTEND").get("scur").equals(Integer.toString(ferry.openClientConnections()));
        });
        assertThat(Integer.parseInt(row(csv(cli("user", "show stat")), "fe", "FRONTEND").get("smax"))).isPositive();
    }

    @Test
    void errorCountersFollowHowStreamsEnded() throws Exception {
        TestOrigin o1 = origin("o1");
        int dead;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // A port nothing listens on once this is closed.
            dead = closed.getLocalPort();
        }
        start("""
                frontend fe
                    bind 127.0.0.1:0
                    use_backend gone if { path_beg /gone }
                    default_backend be
                backend be
                    server s1 127.0.0.1:%d
                backend gone
                    retries 2
                    timeout connect 500ms
                    server d1 127.0.0.1:%d
                """.formatted(o1.port(), dead));
        assertThat(get("/gone")).startsWith("503");
        try (io.ferry.testing.RawClient raw = new io.ferry.testing.RawClient(ferry.boundAddresses().get(0))) {
            raw.send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 400");
        }
        // A client that leaves (a reset) while its server prepares the answer.
        try (io.ferry.testing.RawClient raw = new io.ferry.testing.RawClient(ferry.boundAddresses().get(0))) {
            raw.send("GET /delay/5000 HTTP/1.1\r\nHost: a\r\n\r\n");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cli("operator", "show sess")
                    .contains(" srv=s1 "));
            raw.reset();
        }
        // Counted as each transaction ends, just after its response is flushed.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<Map<String, String>> r = csv(cli("user", "show stat"));
            return row(r, "fe", "FRONTEND").get("ereq").equals("1") && row(r, "gone", "BACKEND").get("econ").equals("1")
                    && row(r, "be", "BACKEND").get("cli_abrt").equals("1");
        });
        List<Map<String, String>> rows = csv(cli("user", "show stat"));
        Map<String, String> fe = row(rows, "fe", "FRONTEND");
        assertThat(fe.get("ereq")).isEqualTo("1");
        assertThat(fe.get("hrsp_4xx")).isEqualTo("1");
        assertThat(fe.get("hrsp_5xx")).isEqualTo("1");
        Map<String, String> gone = row(rows, "gone", "BACKEND");
        assertThat(gone.get("econ")).isEqualTo("1");
        assertThat(gone.get("wretr")).isEqualTo("2");
        assertThat(gone.get("hrsp_5xx")).isEqualTo("1");
        Map<String, String> d1 = row(rows, "gone", "d1");
        assertThat(d1.get("econ")).isEqualTo("1");
        assertThat(d1.get("wretr")).isEqualTo("2");
        assertThat(d1.get("scur")).isEqualTo("0");
        assertThat(row(rows, "be", "BACKEND").get("econ")).isEqualTo("0");
        assertThat(row(rows, "be", "s1").get("cli_abrt")).isEqualTo("1");
        assertThat(row(rows, "be", "BACKEND").get("eresp")).isEqualTo("0");
    }

    @Test
    void showStatTypedAndJsonCarryTheSameValues() throws Exception {
        startOnOneOrigin();
        get("/a");
        String typed = cli("user", "show stat typed");
        assertThat(typed).contains("F.1.0.0.pxname.1:KNS:str:fe\n", "F.1.0.48.req_tot.1:MCP:u64:1\n",
                "S.2.2.1.svname.1:KNS:str:s2\n", "B.2.0.32.type.1:CGS:u32:1\n");
        assertThat(typed).doesNotContain(".rate.");
        String json = cli("user", "show stat json");
        assertThat(json).startsWith("[[{\"objType\":\"Frontend\",\"proxyId\":1,\"id\":0,\"field\":{\"pos\":0,"
                + "\"name\":\"pxname\"},\"processNum\":1,\"tags\":{\"origin\":\"Key\",\"nature\":\"Name\","
                + "\"scope\":\"Service\"},\"value\":{\"type\":\"str\",\"value\":\"fe\"}}");
        assertThat(json).contains("{\"objType\":\"Frontend\",\"proxyId\":1,\"id\":0,\"field\":{\"pos\":48,"
                + "\"name\":\"req_tot\"},\"processNum\":1,\"tags\":{\"origin\":\"Metric\",\"nature\":\"Counter\","
                + "\"scope\":\"Process\"},\"value\":{\"type\":\"u64\",\"value\":1}}");
    }

    @Test
    void showInfoPrintsTrueValuesOnly() throws Exception {
        startOnOneOrigin();
        get("/a");
        get("/b");
        Map<String, String> info = new HashMap<>();
        for (String line : cli("user", "show info").split("\n")) {
            if (!line.isEmpty()) {
                String[] kv = line.split(": ", 2);
                info.put(kv[0], kv[1]);
            }
        }
        assertThat(info.get("Name")).isEqualTo("Ferry");
        assertThat(info.get("Pid")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(info.get("CumReq")).isEqualTo("2");
        assertThat(Long.parseLong(info.get("CumConns"))).isBetween(1L, 2L);
        assertThat(info.get("Nbthread")).isEqualTo(Integer.toString(ferry.threads()));
        assertThat(Long.parseLong(info.get("Uptime_sec"))).isGreaterThanOrEqualTo(0);
        // No global maxconn in the configuration: derived from the descriptor limit, as HAProxy does.
        assertThat(info.get("Maxconn")).isEqualTo(Integer.toString(ferry.derivedMaxconn()))
                .isEqualTo(info.get("Hard_maxconn"));
        assertThat(info.get("Listeners")).isEqualTo("1");
        assertThat(info).doesNotContainKeys("MaxConnRate", "Memmax_MB", "Tasks");
    }

    @Test
    void levelsAreEnforcedAsHaproxyDoes() throws Exception {
        startOnOneOrigin();
        assertThat(cli("user", "show sess")).isEqualTo("Permission denied\n\n");
        assertThat(cli("user", "disable server be/s1")).isEqualTo("Permission denied\n\n");
        assertThat(cli("user", "set maxconn global 10")).isEqualTo("Permission denied\n\n");
        assertThat(cli("user", "show servers state")).startsWith("1\n# be_id be_name srv_id");
        assertThat(cli("user", "show cli level")).isEqualTo("user\n\n");
        assertThat(cli("operator", "show sess")).doesNotContain("Permission denied");
        assertThat(cli("operator", "set server be/s1 state maint")).isEqualTo("Permission denied\n\n");
        assertThat(cli("operator", "shutdown session 0x1")).isEqualTo("Permission denied\n\n");
        assertThat(ferry.backends().get(0).servers().get(0).state().status()).isEqualTo("no check");
        assertThat(cli("admin", "set server be/s1 state maint")).isEqualTo("\n");
        assertThat(ferry.backends().get(0).servers().get(0).state().status()).isEqualTo("MAINT");
        assertThat(cli("user", "help")).contains("show stat").doesNotContain("show sess", "disable server");
        assertThat(cli("admin", "help")).contains("show sess", "disable server", "shutdown session");
        assertThat(cli("admin", "help set maxconn")).isEqualTo("The following commands are valid at this level:\n"
                + "  set maxconn global <value>              : change the per-process maxconn setting\n"
                + "  set maxconn frontend <frontend> <value> : change a frontend's maxconn setting\n\n");
    }

    @Test
    void unknownCommandsAndErrorsAnswerLikeHaproxy() throws Exception {
        startOnOneOrigin();
        assertThat(cli("admin", "show bogus")).startsWith("Unknown command, but maybe one of the following ones "
                + "is a better match:\n  show info").endsWith("\n\n");
        assertThat(cli("admin", "disable server be/s9")).isEqualTo("No such server.\n\n");
        assertThat(cli("admin", "disable server nope/s1")).isEqualTo("No such backend.\n\n");
        assertThat(cli("admin", "disable server be")).isEqualTo("Require 'backend/server'.\n\n");
        assertThat(cli("admin", "set server be/s1 state bogus"))
                .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
        assertThat(cli("admin", "set server be/s1 weight 300"))
                .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n\n");
        assertThat(cli("admin", "set maxconn frontend nope 100")).isEqualTo("No such frontend.\n\n");
        assertThat(cli("admin", "set maxconn frontend fe")).isEqualTo("Integer value expected.\n\n");
        assertThat(cli("admin", "shutdown session 0x99999")).isEqualTo("No such session (use 'show sess').\n\n");
        assertThat(cli("admin", "show sess 0x99999")).isEqualTo("Session not found.\n\n");
        assertThat(cli("admin", "show servers state nope")).isEqualTo("Can't find backend.\n\n");
        // What Ferry does not filter is refused, not ignored.
        assertThat(cli("user", "show stat -1 2 -1"))
                .isEqualTo("Ferry's 'show stat' takes only 'typed' or 'json' (got '-1 2 -1').\n\n");
        assertThat(cli("user", "show info json")).isEqualTo("Ferry's 'show info' takes no argument (got 'json').\n\n");
    }

    @Test
    void aClientThatShutsItsOutputAfterItsLineStillGetsTheAnswer() throws Exception {
        startOnOneOrigin();
        try (Socket s = new Socket()) {
            s.connect(sockets.get("user"), 5000);
            s.setSoTimeout(10000);
            s.getOutputStream().write("show cli level; show cli level\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("user\n\nuser\n\n");
        }
    }

    @Test
    void severalCommandsOnOneLineAndPromptMode() throws Exception {
        startOnOneOrigin();
        assertThat(cli("admin", "show cli level; show cli level")).isEqualTo("admin\n\nadmin\n\n");
        try (Socket s = new Socket()) {
            s.connect(sockets.get("user"), 5000);
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("prompt\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(in, "> ")).isEqualTo("\n> ");
            out.write("show cli level\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(in, "> ")).isEqualTo("user\n\n> ");
            out.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("closed after " + b);
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void serverStatesAndWeightsChangeWhereTrafficGoes() throws Exception {
        TestOrigin o1 = origin("o1");
        TestOrigin o2 = origin("o2");
        start(twoServers(o1, o2));
        assertThat(cli("admin", "set server be/s1 state maint")).isEqualTo("\n");
        for (int i = 0; i < 4; i++) {
            assertThat(get("/m")).isEqualTo("200 o2 GET /m");
        }
        assertThat(row(csv(cli("user", "show stat")), "be", "s1").get("status")).isEqualTo("MAINT");
        assertThat(cli("admin", "set server be/s1 state ready")).isEqualTo("\n");
        assertThat(cli("admin", "set server be/s2 state drain")).isEqualTo("\n");
        for (int i = 0; i < 4; i++) {
            assertThat(get("/d")).isEqualTo("200 o1 GET /d");
        }
        assertThat(row(csv(cli("user", "show stat")), "be", "s2").get("status")).isEqualTo("DRAIN");
        assertThat(cli("admin", "enable server be/s2")).isEqualTo("\n");
        assertThat(cli("admin", "disable server be/s2")).isEqualTo("\n");
        assertThat(get("/x")).isEqualTo("200 o1 GET /x");
        assertThat(cli("admin", "enable server be/s2; set server be/s1 weight 0")).isEqualTo("\n\n");
        for (int i = 0; i < 4; i++) {
            assertThat(get("/w")).isEqualTo("200 o2 GET /w");
        }
        String state = cli("user", "show servers state be");
        assertThat(state.split("\n")[2].split(" ")).startsWith("2", "be", "1", "s1", "127.0.0.1", "2", "0", "0", "1");
        assertThat(cli("admin", "set server be/s1 weight 100%; set server be/s2 weight 0")).isEqualTo("\n\n");
        assertThat(get("/y")).isEqualTo("200 o1 GET /y");
        // Both at weight 1 again: round-robin alternates.
        assertThat(cli("admin", "set weight be/s2 1")).isEqualTo("\n");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(get("/r"));
        }
        assertThat(answers).contains("200 o1 GET /r", "200 o2 GET /r");
        assertThat(cli("admin", "disable server be/s1; disable server be/s2")).isEqualTo("\n\n");
        assertThat(get("/z")).startsWith("503");
        assertThat(row(csv(cli("user", "show stat")), "be", "BACKEND").get("status")).isEqualTo("DOWN");
    }

    @Test
    void staticAlgorithmsOnlyTakeZeroOrTheConfiguredWeight() throws Exception {
        TestOrigin o1 = origin("o1");
        start("""
                frontend fe
                    bind 127.0.0.1:0
                    default_backend be
                backend be
                    balance static-rr
                    server s1 127.0.0.1:%d weight 3
                """.formatted(o1.port()));
        assertThat(cli("admin", "set server be/s1 weight 2"))
                .isEqualTo("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n\n");
        assertThat(cli("admin", "set server be/s1 weight 0%; set server be/s1 weight 3")).isEqualTo("\n\n");
    }

    @Test
    void setMaxconnChangesTheLimits() throws Exception {
        startOnOneOrigin();
        assertThat(cli("admin", "set maxconn frontend fe 7; set maxconn global 9")).isEqualTo("\n\n");
        assertThat(row(csv(cli("user", "show stat")), "fe", "FRONTEND").get("slim")).isEqualTo("7");
        assertThat(cli("user", "show info")).contains("Maxconn: 9\n");
        assertThat(ferry.maxconn()).isEqualTo(9);
    }

    @Test
    void showSessShowsAHalfClosedTunnelWithItsFinDeadlineAndShutdownEndsIt() throws Exception {
        // A server that answers, then closes its side (FIN) and keeps reading.
        ServerSocket server = tcpServer(s -> {
            s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        });
        start("""
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    timeout client 1h
                    timeout server 1h
                    timeout client-fin 20s
                    server s1 127.0.0.1:%d
                """.formatted(server.getLocalPort()));
        Socket client = new Socket();
        resources.add(client);
        client.connect(ferry.boundAddresses().get(0), 5000);
        client.setSoTimeout(10000);
        assertThat(client.getInputStream().readAllBytes()).isEqualTo("bye".getBytes(StandardCharsets.US_ASCII));
        // The client keeps its side open: the stream is half-closed towards the client.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                ferry.frontends().get(0).counters().inState(ProxyCounters.ConnState.HALF_CLOSED_CLIENT) == 1);
        String sess = cli("operator", "show sess");
        String[] lines = sess.split("\n");
        assertThat(lines).hasSize(1);
        String line = lines[0];
        int port = client.getLocalPort();
        assertThat(line).matches("0x[0-9a-f]+: proto=tcpv4 src=127\\.0\\.0\\.1:" + port + " fe=raw be=raw srv=s1 "
                + "age=\\d+s state=half-closed-client client=half-closed-write server=half-closed-read "
                + "exp=client-fin:\\d+ms");
        long left = Long.parseLong(line.replaceAll(".*client-fin:(\\d+)ms", "$1"));
        assertThat(left).isBetween(1000L, 20000L);
        String id = line.substring(0, line.indexOf(':'));
        // The same stream alone (the time left has moved on meanwhile).
        assertThat(cli("operator", "show sess " + id)).startsWith(line.substring(0, line.indexOf(" age=")))
                .containsOnlyOnce("0x").endsWith("ms\n\n");
        assertThat(cli("admin", "shutdown session " + id)).isEqualTo("\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cli("operator", "show sess").equals("\n"));
        assertThat(ferry.frontends().get(0).counters().inState(ProxyCounters.ConnState.HALF_CLOSED_CLIENT))
                .isZero();
    }

    @Test
    void shutdownSessionsServerEndsOnlyThatServersStreams() throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            servers.add(tcpServer(s -> { }));
        }
        start("""
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    timeout client 1h
                    timeout server 1h
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d
                """.formatted(servers.get(0).getLocalPort(), servers.get(1).getLocalPort()));
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket c = new Socket();
            resources.add(c);
            c.connect(ferry.boundAddresses().get(0), 5000);
            c.setSoTimeout(10000);
            clients.add(c);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                ferry.frontends().get(0).counters().inState(ProxyCounters.ConnState.TUNNEL) == 4);
        assertThat(cli("admin", "shutdown sessions server raw/s1")).isEqualTo("\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                ferry.frontends().get(0).counters().inState(ProxyCounters.ConnState.TUNNEL) == 2);
        String sess = cli("operator", "show sess");
        assertThat(sess.split("\n")).hasSize(2).allMatch(l -> l.contains(" srv=s2 ") && l.contains("state=tunnel"));
    }

    @Test
    void unixSocketWithItsMode(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix stats sockets need the epoll transport");
        TestOrigin o1 = origin("o1");
        Path path = dir.resolve("admin.sock");
        ferry = Ferry.start(Configs.parse("global\n    stats socket " + path + " level admin mode 600\n"
                + Configs.HTTP_DEFAULTS + twoServers(o1, o1)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            ch.write(ByteBuffer.wrap("show cli level\n".getBytes(StandardCharsets.US_ASCII)));
            ch.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            StringBuilder b = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                b.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            assertThat(b.toString()).isEqualTo("admin\n\n");
        }
        ferry.close();
        assertThat(Files.exists(path)).isFalse();
        ferry = null;
        assertThat(Arrays.asList(dir.toFile().list())).isEmpty();
    }

    @Test
    void showErrorsPrintsTheLastRefusedRequestWithTheOffendingPosition() throws Exception {
        startOnOneOrigin();
        InetSocketAddress a = ferry.boundAddresses().get(0);
        try (java.net.Socket s = new java.net.Socket(a.getAddress(), a.getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 400 ");
        }
        assertThat(cli("user", "show errors")).isEqualTo("Permission denied\n\n");
        String out = cli("operator", "show errors");
        assertThat(out).startsWith("Total events captured on [").contains("] : 1\n")
                .containsPattern("\\] frontend fe \\(#\\d+\\): invalid request\n")
                .containsPattern("event #\\d+, src 127\\.0\\.0\\.1:\\d+\n")
                .contains("len 40, error at position 28\n  status 400, reason: whitespace between field name and colon\n")
                .contains("  00000  GET / HTTP/1.1\\r\\n\n")
                .contains("  00016+ Host: t\\r\\n\n")
                .contains("  00025+ Bad Name: x\\r\\n\n");
        assertThat(cli("operator", "show errors be response")).doesNotContain("invalid");
        assertThat(cli("operator", "show errors nope")).isEqualTo("No such proxy.\n\n");
    }
}
