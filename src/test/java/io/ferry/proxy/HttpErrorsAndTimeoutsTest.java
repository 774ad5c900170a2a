package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.ProxyOption;
import io.ferry.http.HttpErrors;
import io.ferry.testing.Configs;
import io.ferry.testing.Models;
import io.ferry.testing.RawClient;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.TestOrigin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Ferry's own answers (400, 408, 502, 503, 504), with HAProxy's bodies, and each timeout within its bound. */
class HttpErrorsAndTimeoutsTest extends FerryTestBase {

    private InetSocketAddress start(String backendLines, String timeouts, String... servers) {
        StringBuilder s = new StringBuilder();
        int i = 1;
        for (String a : servers) {
            s.append("    server s").append(i++).append(' ').append(a).append('\n');
        }
        ferry = Ferry.start(Configs.parse("""
                defaults
                    mode http
                %s
                frontend www
                    bind 127.0.0.1:0
                    acl known path_beg /
                    use_backend app if known
                backend app
                %s
                %s
                """.formatted(timeouts, backendLines, s)));
        return ferry.boundAddresses().get(0);
    }

    private static final String TIMEOUTS = """
                timeout client 5s
                timeout server 5s
                timeout connect 1s
            """;

    private static String exactly(int status, boolean close) {
        String reason = HttpErrors.response(status, close).status().reasonPhrase();
        return "HTTP/1.1 " + status + " " + reason + "\r\ncontent-length: " + HttpErrors.body(status).length()
                + "\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n" + (close ? "connection: close\r\n" : "")
                + "\r\n" + HttpErrors.body(status);
    }

    private TestOrigin origin() {
        TestOrigin o = TestOrigin.start("o");
        resources.add(o);
        return o;
    }

    @Test
    void malformedRequestLineGets400AndClose() throws Exception {
        InetSocketAddress addr = start("", TIMEOUTS, origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /a b c HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(raw.readAll()).isEqualTo(exactly(400, true));
        }
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n");
            assertThat(raw.readAll()).isEqualTo(exactly(400, true));
        }
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTTP/1.1\r\n\r\n");
            assertThat(raw.readAll()).as("HTTP/1.1 without Host").isEqualTo(exactly(400, true));
        }
        try (RawClient raw = new RawClient(addr)) {
            raw.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
            assertThat(raw.readAll()).as("two Content-Length").isEqualTo(exactly(400, true));
        }
    }

    @Test
    void noMatchingBackendGives503AndKeepsTheConnection() throws Exception {
        ferry = Ferry.start(Configs.parse("""
                frontend www
                    mode http
                    timeout client 5s
                    bind 127.0.0.1:0
                    use_backend app if { hdr(host) -i app }
                backend app
                    mode http
                    server s1 127.0.0.1:9
                """));
        try (RawClient raw = new RawClient(ferry.boundAddresses().get(0))) {
            raw.send("GET / HTTP/1.1\r\nHost: other\r\n\r\n");
            assertThat(raw.readUntil("</html>\n", 1)).isEqualTo(exactly(503, false));
            raw.send("GET / HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).isEqualTo(exactly(503, true));
        }
    }

    @Test
    void refusedServerGives503AfterRetries() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        InetSocketAddress addr = start("    retries 2", TIMEOUTS.replace("connect 1s", "connect 200ms"),
                "127.0.0.1:" + closedPort);
        long t0 = System.nanoTime();
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(raw.readUntil("</html>\n", 1)).isEqualTo(exactly(503, false));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // Two retries, each after HAProxy's turn-around of min(timeout connect, 1s).
        assertThat(ms).isBetween(380L, 3000L);
    }

    @Test
    void redispatchMovesTheLastRetryToAnotherServer() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        TestOrigin good = origin();
        start("    retries 1", TIMEOUTS.replace("connect 1s", "connect 100ms"), "127.0.0.1:" + closedPort,
                good.address());
        ferry.close();
        ferry = Ferry.start(Models.withOptions(Configs.parse("""
                defaults
                    mode http
                %s
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    retries 1
                    server bad 127.0.0.1:%d
                    server good %s
                """.formatted(TIMEOUTS.replace("connect 1s", "connect 100ms"), closedPort, good.address())),
                "app", ProxyOption.REDISPATCH));
        for (int i = 0; i < 4; i++) {
            try (RawClient raw = new RawClient(ferry.boundAddresses().get(0))) {
                raw.send("GET /r" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(raw.readUntil("o GET /r" + i, 1)).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void garbageFromTheServerGives502() throws Exception {
        assertThat(answerWith((head, in, out) -> ScriptedServer.write(out, "SPDY/9 what\r\n\r\n")))
                .isEqualTo(exactly(502, false));
    }

    @Test
    void serverClosingBeforeAnyResponseGives502() throws Exception {
        assertThat(answerWith((head, in, out) -> { })).isEqualTo(exactly(502, false));
    }

    @Test
    void aSwitchToAnotherProtocolGives502UntilTunnelsExist() throws Exception {
        assertThat(answerWith((head, in, out) -> ScriptedServer.write(out,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")))
                .isEqualTo(exactly(502, false));
    }

    /** What a client gets for one request when the server behaves as {@code script} says. */
    private String answerWith(ScriptedServer.Script script) throws Exception {
        ScriptedServer bad = new ScriptedServer(script);
        resources.add(bad);
        try (RawClient raw = new RawClient(start("", TIMEOUTS, bad.address()))) {
            raw.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            return raw.readUntil("</html>\n", 1);
        }
    }

    @Test
    void serverDyingMidResponseClosesTheClientConnection() throws Exception {
        ScriptedServer bad = new ScriptedServer((head, in, out) ->
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"));
        resources.add(bad);
        InetSocketAddress addr = start("", TIMEOUTS, bad.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            String got = raw.readAll();
            assertThat(got).startsWith("HTTP/1.1 200 OK").endsWith("partial");
        }
    }

    @Test
    void serverTimeoutBeforeTheHeadGives504WithinItsBound() throws Exception {
        InetSocketAddress addr = start("", TIMEOUTS.replace("server 5s", "server 300ms"), origin().address());
        long t0 = System.nanoTime();
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /delay/5000 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(raw.readAll()).isEqualTo(exactly(504, true));
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(280L, 2000L);
    }

    @Test
    void httpRequestTimeoutIsAnAbsoluteDeadlineGiving408() throws Exception {
        InetSocketAddress addr = start("", TIMEOUTS + "    timeout http-request 400ms\n", origin().address());
        long t0 = System.nanoTime();
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTTP/1.1\r\n");
            // A slow client that keeps sending does not move the deadline (client timeout alone would).
            for (int i = 0; i < 3; i++) {
                raw.send("X-Slow-" + i + ": 1\r\n");
                Thread.sleep(100);
            }
            assertThat(raw.readAll()).isEqualTo(exactly(408, true));
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(380L, 2000L);
    }

    @Test
    void clientTimeoutWaitingForAHeadGives408() throws Exception {
        InetSocketAddress addr = start("", TIMEOUTS.replace("client 5s", "client 300ms"), origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTT");
            assertThat(raw.readAll()).isEqualTo(exactly(408, true));
        }
    }

    @Test
    void keepAliveTimeoutClosesAnIdleClientSilently() throws Exception {
        InetSocketAddress addr = start("", TIMEOUTS + "    timeout http-keep-alive 300ms\n", origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("o GET /a", 1);
            long t0 = System.nanoTime();
            assertThat(raw.readAll()).isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(250L, 2000L);
        }
    }

    @Test
    void connectTimeoutGives503() throws Exception {
        // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(full);
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket();
            try {
                s.connect(full.getLocalSocketAddress(), 200);
            } catch (IOException e) {
                s.close();
                continue;
            }
            fillers.add(s);
            resources.add(s);
        }
        InetSocketAddress addr = start("    retries 0", TIMEOUTS.replace("connect 1s", "connect 300ms"),
                "127.0.0.1:" + full.getLocalPort());
        long t0 = System.nanoTime();
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(raw.readUntil("</html>\n", 1)).isEqualTo(exactly(503, false));
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(280L, 2000L);
        assertThat(fillers).isNotEmpty();
    }

    @Test
    void everyClientConnectionIsGoneAfterTheTests() throws Exception {
        InetSocketAddress addr = start("", TIMEOUTS, origin().address());
        for (int i = 0; i < 5; i++) {
            try (RawClient raw = new RawClient(addr)) {
                raw.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                raw.readUntil("o GET /", 1);
            }
        }
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void aReusedConnectionTheServerClosesIsReplacedForABodylessRequest() throws Exception {
        // Each connection answers one request, then closes silently when the next one arrives:
        // the race of a server closing an idle keep-alive connection as Ferry reuses it.
        ScriptedServer oneShot = new ScriptedServer((head, in, out) -> {
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            StringBuilder next = new StringBuilder();
            int c;
            while (!next.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                next.append((char) c);
            }
        });
        resources.add(oneShot);
        InetSocketAddress addr = start("", TIMEOUTS, oneShot.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(raw.readUntil("ok", 1)).startsWith("HTTP/1.1 200");
            raw.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(raw.readUntil("ok", 1)).startsWith("HTTP/1.1 200");
        }
        assertThat(oneShot.accepted()).isEqualTo(2);
    }
}
