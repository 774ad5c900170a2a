package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.config.Config;
import io.ferry.config.ProxyOption;
import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.Models;
import io.ferry.testing.RawClient;
import io.ferry.testing.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keep-alive, reuse, connection modes, HTTP/1.0, pipelining and bodies through a real Ferry. */
class HttpProxyingTest extends OriginFerryTestBase {

    private InetSocketAddress start(String extraBackend, String extraFrontend, ProxyOption... backendOptions) {
        return startBefore(origin.address(), extraBackend, extraFrontend, backendOptions);
    }

    /** A Ferry in front of the server at {@code server} alone. */
    private InetSocketAddress startBefore(String server, String extraBackend, String extraFrontend,
                                          ProxyOption... backendOptions) {
        Config config = Configs.parse("""
                global
                    nbthread 1
                """ + Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                %s
                    default_backend app
                backend app
                %s
                    server o1 %s
                """.formatted(extraFrontend, extraBackend, server));
        ferry = Ferry.start(Models.withOptions(config, "app", backendOptions));
        return ferry.boundAddresses().get(0);
    }

    /** {@code n} clients one after the other, each with one request that asks to close. */
    private static void closingClients(InetSocketAddress addr, int n) throws Exception {
        for (int c = 0; c < n; c++) {
            try (RawClient raw = new RawClient(addr)) {
                raw.send("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                raw.readUntil("o GET /a", 1);
            }
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    @Test
    void keepAliveOnBothSidesReusesOneServerConnection() throws Exception {
        InetSocketAddress addr = start("", "");
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + addr.getPort()
                    + "/n" + i)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("o GET /n" + i);
        }
        assertThat(origin.requests()).isEqualTo(20);
        assertThat(origin.accepted()).isEqualTo(1);
    }

    @Test
    void safeReuseGivesEachNewClientConnectionItsOwnFirstServerConnection() throws Exception {
        InetSocketAddress addr = start("", "");
        for (int c = 0; c < 3; c++) {
            try (RawClient raw = new RawClient(addr)) {
                raw.send(get("/a") + get("/b"));
                assertThat(raw.readUntil("o GET /b", 1)).contains("o GET /a");
            }
        }
        // http-reuse safe: a first request never takes an idle connection; the second one may.
        assertThat(origin.requests()).isEqualTo(6);
        assertThat(origin.accepted()).isEqualTo(3);
    }

    @Test
    void shortClientConnectionsDoNotLeaveAnIdleServerConnectionEach() throws Exception {
        InetSocketAddress addr = start("", "");
        closingClients(addr, 40);
        // Each first request has a server connection of its own (http-reuse safe), but once its
        // transaction is over only as many stay idle as were needed at once: one at a time here.
        assertThat(origin.accepted()).isEqualTo(40);
        // (well before the 5 s purge)
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(origin.open()).isLessThanOrEqualTo(2));
    }

    @Test
    void serverConnectionsFerryClosesAreResetAndLeaveNoTimeWaitBehind() throws Exception {
        InetSocketAddress addr = start("", "");
        long before = timeWaitTowardsOrigin();
        closingClients(addr, 20);
        assertThat(origin.accepted()).isEqualTo(20);
        // The pool keeps one or two; Ferry closed the others, after complete transactions.
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(origin.open()).isLessThanOrEqualTo(2));
        // Closed with a FIN, each would hold a local port to the origin in TIME_WAIT for a minute.
        assertThat(timeWaitTowardsOrigin()).isLessThanOrEqualTo(before);
    }

    /** Sockets in TIME_WAIT whose peer is the origin's port: what closing connections to it left behind. */
    private long timeWaitTowardsOrigin() {
        return KernelSockets.ipv4().stream()
                .filter(e -> e.remotePort() == origin.port() && e.state().equals("TIME_WAIT"))
                .count();
    }

    @Test
    void alwaysReuseSharesIdleConnectionsAcrossClients() throws Exception {
        InetSocketAddress addr = start("    http-reuse always", "");
        for (int c = 0; c < 5; c++) {
            try (RawClient raw = new RawClient(addr)) {
                raw.send(get("/a"));
                raw.readUntil("o GET /a", 1);
            }
        }
        assertThat(origin.accepted()).isEqualTo(1);
    }

    @Test
    void neverReuseKeepsTheConnectionPrivateToItsClient() throws Exception {
        InetSocketAddress addr = start("    http-reuse never", "");
        for (int c = 0; c < 3; c++) {
            try (RawClient raw = new RawClient(addr)) {
                raw.send(get("/a"));
                raw.readUntil("o GET /a", 1);
                raw.send(get("/b"));
                raw.readUntil("o GET /b", 1);
            }
        }
        assertThat(origin.requests()).isEqualTo(6);
        assertThat(origin.accepted()).isEqualTo(3);
    }

    @Test
    void httpServerCloseClosesTheServerSideAfterEachResponse() throws Exception {
        InetSocketAddress addr = start("", "", ProxyOption.HTTP_SERVER_CLOSE);
        try (RawClient raw = new RawClient(addr)) {
            raw.send(get("/a"));
            raw.readUntil("o GET /a", 1);
            raw.send(get("/b"));
            String b = raw.readUntil("o GET /b", 1);
            assertThat(b).doesNotContainIgnoringCase("connection: close");
        }
        assertThat(origin.accepted()).isEqualTo(2);
        assertThat(origin.seen()).allMatch(r -> "close".equals(r.headers().get("connection")));
    }

    @Test
    void httpcloseClosesBothSides() throws Exception {
        InetSocketAddress addr = start("", "", ProxyOption.HTTPCLOSE);
        try (RawClient raw = new RawClient(addr)) {
            raw.send(get("/a"));
            String all = raw.readAll();
            assertThat(all).containsIgnoringCase("connection: close").endsWith("o GET /a");
        }
    }

    @Test
    void http10ClientGetsItsConnectionClosedUnlessItAsksForKeepAlive() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /old HTTP/1.0\r\n\r\n");
            String all = raw.readAll();
            assertThat(all).startsWith("HTTP/1.0 200").endsWith("o GET /old");
        }
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /k1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(raw.readUntil("o GET /k1", 1)).containsIgnoringCase("connection: keep-alive");
            raw.send("GET /k2 HTTP/1.0\r\n\r\n");
            assertThat(raw.readAll()).endsWith("o GET /k2");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                b.append(i == 3 ? "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" : get("/p" + i));
            }
            raw.send(b.toString());
            String all = raw.readUntil("o GET /p9", 1);
            int last = -1;
            for (int i = 0; i < 10; i++) {
                if (i == 3) {
                    continue;
                }
                int at = all.indexOf("o GET /p" + i);
                assertThat(at).isGreaterThan(last);
                last = at;
            }
            assertThat(all).doesNotContain("o HEAD /h");
            assertThat(all.split("HTTP/1.1 200", -1)).hasSize(11);
        }
    }

    @Test
    void chunkedUploadWithTrailersIsStreamedToTheServer() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n");
            String r = raw.readUntil("0\r\n\r\n", 1);
            assertThat(r).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
                    .contains("hello").contains(" world");
        }
    }

    @Test
    void tinyChunksAreFramedAgainInLargerOnes() throws Exception {
        // 60,000 chunks of one byte in one go: passed on one for one, each chunk took a write of its
        // own and held many times its bytes in memory while the server was slow to read.
        try (ScriptedServer counting = new ScriptedServer((head, in, out) -> {
            int chunks = 0;
            long bytes = 0;
            for (int size; (size = Integer.parseInt(line(in), 16)) > 0; chunks++) {
                bytes += in.readNBytes(size).length;
                line(in);
            }
            line(in);
            String body = chunks + " " + bytes + " end";
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        })) {
            InetSocketAddress addr = startBefore(counting.address(), "", "");
            try (RawClient raw = new RawClient(addr)) {
                raw.send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "1\r\nx\r\n".repeat(60_000) + "0\r\n\r\n");
                String r = raw.readUntil(" end", 1);
                assertThat(r).startsWith("HTTP/1.1 200");
                String[] counts = r.substring(r.indexOf("\r\n\r\n") + 4).split(" ");
                assertThat(Long.parseLong(counts[1])).isEqualTo(60_000);
                assertThat(Integer.parseInt(counts[0])).as("chunks the server received").isLessThan(6_000);
            }
        }
    }

    /** One line, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            b.append((char) c);
        }
        return b.toString().strip();
    }

    @Test
    void expect100ContinueIsRelayedFromTheServer() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            raw.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.readUntil("\r\n\r\n", 1)).startsWith("HTTP/1.1 100 Continue");
            raw.send("data");
            assertThat(raw.readUntil("o POST /x", 1)).contains("HTTP/1.1 200");
        }
    }

    @Test
    void bodylessResponsesKeepTheConnectionUsable() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            raw.send(get("/status/204") + get("/status/304") + "HEAD /a HTTP/1.1\r\nHost: t\r\n\r\n" + get("/after"));
            String all = raw.readUntil("o GET /after", 1);
            assertThat(all).contains("HTTP/1.1 204").contains("HTTP/1.1 304").contains("content-length: 9")
                    .endsWith("o GET /after");
        }
        assertThat(origin.accepted()).isEqualTo(1);
    }

    @Test
    void hopByHopHeadersAreNotForwarded() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /h HTTP/1.1\r\nHost: t\r\nConnection: x-private, keep-alive\r\nX-Private: 1\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Public: 2\r\n\r\n");
            String r = raw.readUntil("o GET /h", 1);
            assertThat(r.toLowerCase()).contains("x-request-headers: host,x-public\r\n");
        }
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestGetsAnAnswerLargerThanItsWindow() throws Exception {
        // As `printf 'GET ...' | nc` does: the FIN right after the request. The server answers once
        // Ferry has taken the FIN (the client is then neither read nor written to), with an answer that
        // fills the client's 4 KiB window again and again. On epoll, Netty 4.2 could then lose the
        // connection's place in its epoll set, and the answer stopped at a full window
        // (EpollKeepsRegistrations; TransportTest shows it every time, this test about once in six).
        int n = 4 << 20;
        CountDownLatch halfClosed = new CountDownLatch(1);
        try (ScriptedServer late = new ScriptedServer((head, in, out) -> {
            try {
                halfClosed.await();
            } catch (InterruptedException e) {
                return;
            }
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n");
            out.write(new byte[n]);
            out.flush();
        })) {
            InetSocketAddress addr = startBefore(late.address(), "", "");
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(addr);
                s.setSoTimeout(20000);
                s.getOutputStream().write(get("/big").getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput();
                await().atMost(10, TimeUnit.SECONDS).until(() -> ferry.streams().stream()
                        .anyMatch(x -> x.client() == StreamSnapshot.Side.HALF_CLOSED_READ));
                halfClosed.countDown();
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(all).startsWith("HTTP/1.1 200");
                assertThat(all.length() - all.indexOf("\r\n\r\n") - 4).as("bytes of the answer's body").isEqualTo(n);
            }
        }
    }

    @Test
    void clientThatHalfClosesAfterItsRequestStillGetsTheAnswer() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient raw = new RawClient(addr)) {
            raw.send(get("/delay/200"));
            raw.shutdownOutput();
            assertThat(raw.readAll()).startsWith("HTTP/1.1 200").endsWith("o GET /delay/200");
        }
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .until(() -> ferry.openClientConnections() == 0);
    }
}
