package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.HttpLogLine;
import io.ferry.testing.RawClient;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.SyslogReceiver;
import io.ferry.testing.TestOrigin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One access-log line per termination state the proxy produces, received by a real UDP syslog
 * server and parsed field by field.
 */
class AccessLogTest extends FerryTestBase {

    private SyslogReceiver syslog;

    @BeforeEach
    void receiver() throws IOException {
        syslog = new SyslogReceiver();
        resources.add(syslog);
    }

    private InetSocketAddress start(String frontendLines, String backendLines, String... servers) {
        StringBuilder s = new StringBuilder();
        int i = 1;
        for (String a : servers) {
            s.append("    server s").append(i++).append(' ').append(a).append('\n');
        }
        ferry = Ferry.start(Configs.parse("""
                global
                    log %s format raw local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout client 5s
                    timeout server 5s
                    timeout connect 1s
                frontend www
                    bind 127.0.0.1:0
                    use_backend app if { path_beg /app }
                %s
                backend app
                %s
                %s
                """.formatted(syslog.address(), frontendLines, backendLines, s)));
        return ferry.boundAddresses().get(0);
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private HttpLogLine line() throws IOException {
        return HttpLogLine.parse(syslog.next(5000));
    }

    private TestOrigin origin() {
        TestOrigin o = TestOrigin.start("o");
        resources.add(o);
        return o;
    }

    private ScriptedServer scripted(ScriptedServer.Script script) throws IOException {
        ScriptedServer s = new ScriptedServer(script);
        resources.add(s);
        return s;
    }

    @Test
    void normalTransactionWithCaptures() throws Exception {
        InetSocketAddress addr = start("""
                    capture request header Host len 5
                    capture request header User-Agent len 10
                    capture response header Content-Length len 1
                """, "", origin().address());
        String response;
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app/x?y=1 HTTP/1.1\r\nHost: example.org\r\n\r\n");
            response = raw.readUntil("o GET /app/x?y=1", 1);
        }
        HttpLogLine l = line();
        assertThat(l.clientIp()).isEqualTo("127.0.0.1");
        assertThat(l.clientPort()).isPositive();
        assertThat(l.frontend()).isEqualTo("www");
        assertThat(l.backend()).isEqualTo("app");
        assertThat(l.server()).isEqualTo("s1");
        assertThat(l.tR()).isBetween(0L, 1000L);
        assertThat(l.tw()).isBetween(0L, 1000L);
        assertThat(l.tc()).isBetween(0L, 1000L);
        assertThat(l.tr()).isBetween(0L, 1000L);
        assertThat(l.ta()).isGreaterThanOrEqualTo(l.tR() + l.tr());
        assertThat(l.status()).isEqualTo(200);
        assertThat(l.bytes()).as("headers and body sent to the client").isEqualTo(response.length());
        assertThat(l.cookieIn()).isEqualTo("-");
        assertThat(l.cookieOut()).isEqualTo("-");
        assertThat(l.termination()).isEqualTo("----");
        assertThat(l.actconn()).isEqualTo(1);
        assertThat(l.feconn()).isEqualTo(1);
        assertThat(l.beconn()).isZero();
        assertThat(l.srvconn()).isZero();
        assertThat(l.retries()).isZero();
        assertThat(l.srvQueue()).isZero();
        assertThat(l.backendQueue()).isZero();
        assertThat(l.requestCaptures()).isEqualTo("examp|");
        assertThat(l.responseCaptures()).as("the body's length, 16, cut to 1").isEqualTo("1");
        assertThat(l.request()).isEqualTo("GET /app/x?y=1 HTTP/1.1");
    }

    @Test
    void aWebSocketIsLoggedWhenItsTunnelEndsWithStatus101AndAllItsBytes() throws Exception {
        String switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        InetSocketAddress addr = start("", "", scripted((head, in, out) -> {
            ScriptedServer.write(out, switching);
            in.transferTo(out);
        }).address());
        String received;
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app/ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            String head = raw.readUntil("\r\n\r\n", 1);
            raw.send("ping-pong");
            raw.shutdownOutput();
            received = head + raw.readAll();
        }
        assertThat(received).startsWith("HTTP/1.1 101 ").endsWith("\r\n\r\nping-pong");
        HttpLogLine l = line();
        assertThat(l.status()).isEqualTo(101);
        assertThat(l.termination()).as("both sides closed in turn").isEqualTo("----");
        assertThat(l.bytes()).as("the 101 and the tunnel's bytes towards the client").isEqualTo(received.length());
        assertThat(l.request()).isEqualTo("GET /app/ws HTTP/1.1");
        assertThat(l.backend() + "/" + l.server()).isEqualTo("app/s1");
    }

    @Test
    void deniedRequestIsPRAndRedirectIsLRWithTheRequestLineAsReceived() throws Exception {
        InetSocketAddress addr = start("""
                    http-request deny if { path /deny }
                    http-request redirect location /x if { path /redir }
                """, "    http-request set-uri /changed\n", origin().address());
        for (String path : new String[] {"/deny", "/redir", "/app/y"}) {
            try (RawClient raw = new RawClient(addr)) {
                raw.send("GET " + path + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                raw.readAll();
            }
        }
        HttpLogLine deny = line();
        assertThat(deny.backend() + "/" + deny.server()).isEqualTo("www/<NOSRV>");
        assertThat(deny.status()).isEqualTo(403);
        assertThat(deny.termination()).isEqualTo("PR--");
        HttpLogLine redirect = line();
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.termination()).isEqualTo("LR--");
        HttpLogLine rewritten = line();
        assertThat(rewritten.termination()).isEqualTo("----");
        assertThat(rewritten.request()).as("as HAProxy, the line as received").isEqualTo("GET /app/y HTTP/1.1");
    }

    @Test
    void invalidRequestIsPR() throws Exception {
        InetSocketAddress addr = start("", "", origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /a b c HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readAll();
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("PR--");
        assertThat(l.status()).isEqualTo(400);
        assertThat(l.bytes()).as("as HAProxy 2.6 logs it").isZero();
        assertThat(l.backend() + "/" + l.server()).isEqualTo("www/<NOSRV>");
        assertThat(new long[] {l.tR(), l.tw(), l.tc(), l.tr()}).containsOnly(-1L);
        assertThat(l.request()).isEqualTo("<BADREQ>");
    }

    @Test
    void noBackendIsSCAsInHaproxy() throws Exception {
        InetSocketAddress addr = start("", "", origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /elsewhere HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("</html>\n", 1);
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("SC--");
        assertThat(l.status()).isEqualTo(503);
        assertThat(l.backend() + "/" + l.server()).isEqualTo("www/<NOSRV>");
        assertThat(new long[] {l.tR(), l.tw(), l.tc(), l.tr()}).containsOnly(-1L);
        assertThat(l.bytes()).isPositive();
        assertThat(l.request()).isEqualTo("GET /elsewhere HTTP/1.1");
    }

    @Test
    void refusedConnectionIsSCWithRetries() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        InetSocketAddress addr = start("", "    retries 2\n    timeout connect 100ms", "127.0.0.1:" + closedPort);
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("</html>\n", 1);
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("SC--");
        assertThat(l.status()).isEqualTo(503);
        assertThat(l.server()).isEqualTo("s1");
        assertThat(l.retries()).isEqualTo(2);
        assertThat(l.tw()).isZero();
        assertThat(l.tc()).isEqualTo(-1);
        assertThat(l.tr()).isEqualTo(-1);
    }

    @Test
    void connectTimeoutIsSC() throws Exception {
        // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(full);
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket();
            resources.add(s);
            try {
                s.connect(full.getLocalSocketAddress(), 200);
            } catch (IOException e) {
                s.close();
            }
        }
        InetSocketAddress addr = start("", "    retries 0\n    timeout connect 300ms", "127.0.0.1:" + full.getLocalPort());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("</html>\n", 1);
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("sC--");
        assertThat(l.status()).isEqualTo(503);
        assertThat(l.tc()).isEqualTo(-1);
        assertThat(l.ta()).isBetween(280L, 3000L);
    }

    @Test
    void serverTimeoutBeforeHeadersIsSH() throws Exception {
        ScriptedServer silent = scripted((head, in, out) -> in.read());
        InetSocketAddress addr = start("", "    timeout server 300ms", silent.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readAll();
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("sH--");
        assertThat(l.status()).isEqualTo(504);
        assertThat(l.tc()).isBetween(0L, 1000L);
        assertThat(l.tr()).isEqualTo(-1);
        assertThat(l.ta()).isBetween(280L, 3000L);
    }

    @Test
    void serverCloseBeforeHeadersIsSH() throws Exception {
        ScriptedServer closing = scripted((head, in, out) -> { });
        InetSocketAddress addr = start("", "", closing.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("</html>\n", 1);
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("SH--");
        assertThat(l.status()).isEqualTo(502);
    }

    @Test
    void invalidResponseIsPH() throws Exception {
        ScriptedServer garbage = scripted((head, in, out) -> {
            ScriptedServer.write(out, "NOT HTTP AT ALL\r\n\r\n");
            in.read();
        });
        InetSocketAddress addr = start("", "", garbage.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("</html>\n", 1);
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("PH--");
        assertThat(l.status()).isEqualTo(502);
        assertThat(l.tr()).isEqualTo(-1);
    }

    @Test
    void clientResetWhileWaitingForTheResponseIsCH() throws Exception {
        CountDownLatch clientGone = new CountDownLatch(1);
        resources.add(clientGone::countDown);
        ScriptedServer silent = scripted((head, in, out) -> await(clientGone));
        InetSocketAddress addr = start("", "", silent.address());
        RawClient raw = new RawClient(addr);
        raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> silent.accepted() == 1);
        raw.reset();
        HttpLogLine l = line();
        clientGone.countDown();
        assertThat(l.termination()).isEqualTo("CH--");
        assertThat(l.status()).isEqualTo(-1);
        assertThat(l.server()).isEqualTo("s1");
    }

    @Test
    void serverCloseInTheBodyIsSD() throws Exception {
        ScriptedServer cut = scripted((head, in, out) ->
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789"));
        InetSocketAddress addr = start("", "", cut.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readAll();
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("SD--");
        assertThat(l.status()).isEqualTo(200);
        assertThat(l.tr()).isBetween(0L, 1000L);
    }

    @Test
    void serverTimeoutInTheBodyIsSD() throws Exception {
        ScriptedServer stalls = scripted((head, in, out) -> {
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
            in.read();
        });
        InetSocketAddress addr = start("", "    timeout server 300ms", stalls.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readAll();
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("sD--");
        assertThat(l.status()).isEqualTo(200);
    }

    @Test
    void clientCloseInTheResponseBodyIsCD() throws Exception {
        CountDownLatch clientGone = new CountDownLatch(1);
        resources.add(clientGone::countDown);
        ScriptedServer stalls = scripted((head, in, out) -> {
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
            await(clientGone);
        });
        InetSocketAddress addr = start("", "", stalls.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("0123456789", 1);
            raw.reset();
        }
        HttpLogLine l = line();
        clientGone.countDown();
        assertThat(l.termination()).isEqualTo("CD--");
        assertThat(l.status()).isEqualTo(200);
    }

    @Test
    void clientTimeoutInTheResponseBodyIsCDLowercase() throws Exception {
        // The client reads nothing: once the socket buffers are full, Ferry cannot write and its
        // client timeout passes. Ferry stops reading the server meanwhile: the server, quiet
        // because of the client, is not timed out though its timeout is shorter (HAProxy 2.6 logs
        // the same case cD-- after the client timeout).
        ScriptedServer big = scripted((head, in, out) -> {
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 1000000000\r\n\r\n");
            byte[] block = new byte[65536];
            for (int i = 0; i < 15000; i++) {
                out.write(block);
            }
        });
        InetSocketAddress addr = start("    timeout client 1200ms", "    timeout server 300ms", big.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            HttpLogLine l = line();
            assertThat(l.termination()).isEqualTo("cD--");
            assertThat(l.status()).isEqualTo(200);
            assertThat(l.bytes()).isPositive();
            assertThat(l.ta()).as("Ta: the client's timeout, not the server's").isBetween(1100L, 5000L);
        }
    }

    @ParameterizedTest(name = "server shrinks its receive buffer: {0}")
    @ValueSource(booleans = {false, true})
    void aServerThatTakesNothingOfTheRequestBodyIsSDAfterItsOwnTimeout(boolean shrinks) throws Exception {
        // The server reads the head and nothing of the body: once the socket buffers are full,
        // Ferry cannot write and stops reading the client. The client, quiet because of the
        // server, is not timed out though its timeout is shorter. HAProxy 2.6 logs the same case
        // sD-- with no status after the server timeout, and answers the client nothing. A server
        // that shrank its buffer drops what it is sent, and Ferry's kernel sends it again and
        // again: that is not taking the body slowly.
        CountDownLatch over = new CountDownLatch(1);
        resources.add(over::countDown);
        ScriptedServer.Script deafScript = (head, in, out) -> await(over);
        ScriptedServer deaf = shrinks ? ScriptedServer.shrinkingItsReceiveBuffer(4096, deafScript)
                : new ScriptedServer(deafScript);
        resources.add(deaf);
        InetSocketAddress addr = start("    timeout client 300ms", "    timeout server 1200ms", deaf.address());
        try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
            s.setSoTimeout(10000);
            Thread uploader = new Thread(() -> {
                try {
                    s.getOutputStream().write("POST /app HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    byte[] block = new byte[65536];
                    for (int i = 0; i < 15000; i++) {
                        s.getOutputStream().write(block);
                    }
                } catch (IOException closedByTheProxy) {
                    // what the test waits for
                }
            }, "uploader");
            uploader.setDaemon(true);
            uploader.start();
            HttpLogLine l = line();
            assertThat(l.termination()).isEqualTo("sD--");
            assertThat(l.status()).isEqualTo(-1);
            assertThat(l.ta()).as("Ta: the server's timeout, not the client's, and not prolonged").isBetween(1100L, 2300L);
            byte[] answer = new byte[64];
            int n;
            try {
                n = s.getInputStream().read(answer);
            } catch (IOException reset) {
                n = -1;
            }
            assertThat(n).as("bytes answered to the client").isEqualTo(-1);
            uploader.join(5000);
            assertThat(uploader.isAlive()).as("the upload ended when Ferry closed the connection").isFalse();
        }
    }

    @Test
    void aClientThatStopsInTheMiddleOfItsBodyIsCDAfterItsOwnTimeout() throws Exception {
        // Where Ferry differs from HAProxy 2.6, which waits for the server's timeout here and
        // answers 504, sH--: the client is the one that stopped, and it is timed out.
        ScriptedServer reader = scripted((head, in, out) -> in.transferTo(OutputStream.nullOutputStream()));
        InetSocketAddress addr = start("    timeout client 300ms", "    timeout server 1200ms", reader.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("POST /app HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 408 ");
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("cD--");
        assertThat(l.status()).isEqualTo(408);
        assertThat(l.ta()).isBetween(280L, 1100L);
    }

    @Test
    void httpRequestTimeoutIsCR() throws Exception {
        InetSocketAddress addr = start("    timeout http-request 300ms", "", origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHo");
            raw.readAll();
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("cR--");
        assertThat(l.status()).isEqualTo(408);
        assertThat(l.bytes()).as("as HAProxy 2.6 logs it").isZero();
        assertThat(l.tR()).isEqualTo(-1);
        assertThat(l.ta()).isBetween(280L, 3000L);
        assertThat(l.request()).isEqualTo("<BADREQ>");
    }

    @Test
    void clientCloseBeforeAFullRequestIsCR() throws Exception {
        InetSocketAddress addr = start("", "", origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHo");
        }
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("CR--");
        assertThat(l.status()).isEqualTo(400);
        assertThat(l.bytes()).isZero();
        assertThat(l.request()).isEqualTo("<BADREQ>");
    }

    @Test
    void queueTimeoutIsSQ() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        resources.add(release::countDown);
        ScriptedServer slow = scripted((head, in, out) -> {
            await(release);
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        });
        InetSocketAddress addr = start("", "    timeout queue 300ms", slow.address() + " maxconn 1");
        try (RawClient first = new RawClient(addr); RawClient second = new RawClient(addr)) {
            first.send("GET /app/1 HTTP/1.1\r\nHost: t\r\n\r\n");
            org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> slow.accepted() == 1);
            second.send("GET /app/2 HTTP/1.1\r\nHost: t\r\n\r\n");
            second.readUntil("</html>\n", 1);
            HttpLogLine l = line();
            assertThat(l.termination()).isEqualTo("sQ--");
            assertThat(l.status()).isEqualTo(503);
            assertThat(l.server()).isEqualTo("<NOSRV>");
            assertThat(l.tw()).as("the time in the queue").isBetween(280L, 3000L);
            assertThat(l.tc()).isEqualTo(-1);
            assertThat(l.ta()).isBetween(280L, 3000L);
            assertThat(l.beconn()).as("the first request holds the server").isEqualTo(1);
            assertThat(l.backendQueue()).as("as HAProxy 2.6 logs it, counting itself").isEqualTo(1);
            assertThat(l.request()).isEqualTo("GET /app/2 HTTP/1.1");
            release.countDown();
            first.readUntil("\r\n\r\n", 1);
            assertThat(line().termination()).isEqualTo("----");
        }
    }

    @Test
    void dontlognullSkipsEmptyConnectionsOnly() throws Exception {
        InetSocketAddress addr = start("    option dontlognull", "", origin().address());
        new RawClient(addr).close();
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("o GET /app", 1);
        }
        HttpLogLine l = line();
        assertThat(l.request()).as("the empty connection was not logged").isEqualTo("GET /app HTTP/1.1");
    }

    @Test
    void emptyConnectionIsLoggedAsCRWithoutDontlognull() throws Exception {
        InetSocketAddress addr = start("", "", origin().address());
        new RawClient(addr).close();
        HttpLogLine l = line();
        assertThat(l.termination()).isEqualTo("CR--");
        assertThat(l.request()).isEqualTo("<BADREQ>");
    }

    @Test
    void keptAliveRequestsEachGetALine() throws Exception {
        InetSocketAddress addr = start("", "", origin().address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app/1 HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("o GET /app/1", 1);
            raw.send("GET /app/2 HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("o GET /app/2", 1);
        }
        HttpLogLine a = line();
        HttpLogLine b = line();
        assertThat(a.request()).isEqualTo("GET /app/1 HTTP/1.1");
        assertThat(b.request()).isEqualTo("GET /app/2 HTTP/1.1");
        assertThat(b.clientPort()).isEqualTo(a.clientPort());
        assertThat(a.bytes()).isEqualTo(b.bytes());
        assertThat(syslog.silentFor(300)).as("the idle close of a kept-alive connection is not logged").isTrue();
    }

    /** A frontend with its own log lines (no global section), in front of a test origin. */
    private InetSocketAddress startOwn(String frontendLines, java.time.Clock clock) {
        ferry = Ferry.start(Configs.parse("""
                defaults
                    mode http
                    timeout client 5s
                    timeout server 5s
                    timeout connect 1s
                frontend www
                    bind 127.0.0.1:0
                %s
                backend app
                    server s1 %s
                """.formatted(frontendLines, origin().address())), clock);
        return ferry.boundAddresses().get(0);
    }

    private static final Pattern SYSLOG = Pattern.compile("^<(\\d+)>(\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d) ferry\\[(\\d+)\\]: (.*)\n$");

    @Test
    void logSeparateErrorsSendsErrorsAtErrLevelInRfc3164() throws Exception {
        InetSocketAddress addr = startOwn("""
                    log %s local1
                    option httplog
                    option log-separate-errors
                    use_backend app if { path_beg /app }
                """.formatted(syslog.address()), java.time.Clock.systemDefaultZone());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /app HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("o GET /app", 1);
            raw.send("GET /none HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("</html>\n", 1);
        }
        Matcher ok = SYSLOG.matcher(syslog.next(5000));
        Matcher error = SYSLOG.matcher(syslog.next(5000));
        assertThat(ok.matches()).isTrue();
        assertThat(error.matches()).isTrue();
        assertThat(ok.group(1)).as("local1.info").isEqualTo("142");
        assertThat(error.group(1)).as("local1.err").isEqualTo("139");
        assertThat(Long.parseLong(ok.group(3))).isEqualTo(ProcessHandle.current().pid());
        assertThat(HttpLogLine.parse(ok.group(4)).status()).isEqualTo(200);
        assertThat(HttpLogLine.parse(error.group(4)).status()).isEqualTo(503);
    }

    @Test
    void datesComeFromTheInjectedClock() throws Exception {
        java.time.Clock fixed = java.time.Clock.fixed(java.time.Instant.parse("2026-11-04T07:04:23.425Z"),
                java.time.ZoneOffset.ofHours(1));
        InetSocketAddress addr = startOwn("""
                    log %s format raw local0
                    log-format "[%%t] [%%T] %%ST %%{+Q}HM"
                    default_backend app
                """.formatted(syslog.address()), fixed);
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
            raw.readUntil("o GET /x", 1);
        }
        assertThat(syslog.next(5000)).isEqualTo("[04/Nov/2026:08:04:23.425] [04/Nov/2026:07:04:23 +0000] 200 \"GET\"\n");
        assertThat(ferry.droppedLogMessages()).isZero();
    }
}
