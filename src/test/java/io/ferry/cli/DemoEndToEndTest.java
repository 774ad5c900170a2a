package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.config.Config;
import io.ferry.config.ConfigLoader;
import io.ferry.demo.ChatServer;
import io.ferry.demo.DemoOrigins;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.NotImplementedException;
import io.ferry.testing.HeadlessChromium;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.TextMessages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo as a user meets it: {@code ferry demo} serves its page and a WebSocket chat through
 * Ferry, and Ferry ends its half of a connection that the silent chat application never closes.
 *
 * <p>These tests need an engine that serves the whole demonstration configuration (WebSocket
 * tunnels and half-closed connections in mode http); while {@link Ferry#start} refuses it they are
 * skipped, naming what it refused.
 */
class DemoEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void demoServesThePageAndAWebSocketExchangeThroughFerry() throws Exception {
        assumeFerryServesTheDemo();
        int port = freePort();
        try (FerryProcess p = FerryProcess.start(Map.of(), "demo", "--port", Integer.toString(port))) {
            await().atMost(WAIT).until(() -> !p.isAlive() || p.out().contains("Ferry demo: open"));
            assertThat(p.isAlive()).as(p.err()).isTrue();
            assertThat(p.out()).contains("Ferry demo: open http://127.0.0.1:" + port + "/ in a browser");

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<title>Ferry demo</title>");
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("haproxy_frontend_http_requests_total{proxy=\"demo\"}");
            HttpResponse<String> stats = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/stats")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.headers().firstValue("content-type")).hasValue("text/html");
            assertThat(stats.body()).contains("<table class=\"proxy\" data-proxy=\"chat\">", "data-ferry-chart=\"/stats\"");
            assertThat(p.out()).contains("stats page on http://127.0.0.1:" + port + "/stats");

            TextMessages chat = chatMessages();
            WebSocket ws = client.newWebSocketBuilder().connectTimeout(WAIT)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + ChatServer.PATH), chat).join();
            assertThat(chat.next(WAIT)).startsWith("{\"type\":\"hello\"");
            ws.sendText("through Ferry", true).join();
            assertThat(chat.next(WAIT)).matches("\\{\"type\":\"chat\",\"from\":\\d+,\"text\":\"through Ferry\"}");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();

            p.signal("TERM");
            await().atMost(WAIT).until(() -> !p.isAlive());
            assertThat(p.exitValue()).isZero();
        }
    }

    /**
     * The page's silent clients, seen from one client: it leaves, Ferry passes its FIN on, the
     * application never closes, and Ferry closes its side by {@code timeout server-fin} (5 s).
     */
    @Test
    void ferryReapsItsSideOfAConnectionTheSilentApplicationNeverCloses() throws Exception {
        assumeFerryServesTheDemo();
        try (DemoOrigins origins = DemoOrigins.start(Duration.ofMinutes(5));
             Ferry ferry = Ferry.start(demoConfig(freePort(), origins))) {
            int chatPort = origins.chat().address().getPort();
            int port = ferry.boundAddresses().get(0).getPort();
            WebSocket silent = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + ChatServer.PATH + "?silent"), chatMessages())
                    .join();
            await().atMost(WAIT).until(() -> origins.chat().counts().silentHeld() == 1);

            silent.abort();
            await().atMost(WAIT).until(() -> origins.chat().counts().silentPeerGone() == 1);
            long finPassedOn = System.nanoTime();
            assertThat(ferrysSocketsTo(chatPort)).isNotEmpty();

            await().atMost(WAIT).until(() -> ferrysSocketsTo(chatPort).isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - finPassedOn)).isGreaterThan(Duration.ofSeconds(3));
            // The application still holds its side: reaping Ferry's side is Ferry's business alone.
            assertThat(origins.chat().counts().silentHeld()).isEqualTo(1);
        }
    }

    /**
     * The demo page in headless Chromium through Ferry: the silent clients' connections rise on
     * Ferry's side, and once the page drops them Ferry closes its side by {@code timeout
     * server-fin} while the application still holds its own. The kernel's view stands in for the
     * connection chart until Ferry serves {@code /stats}.
     */
    @Test
    void silentClientsOfThePageAreReapedByFerry() throws Exception {
        assumeTrue(HeadlessChromium.executable().isPresent(), "no Chromium on this machine (CI installs it)");
        assumeFerryServesTheDemo();
        try (DemoOrigins origins = DemoOrigins.start(Duration.ofMinutes(5));
             Ferry ferry = Ferry.start(demoConfig(freePort(), origins));
             HeadlessChromium chromium = HeadlessChromium.start()) {
            int chatPort = origins.chat().address().getPort();
            HeadlessChromium.Page page = chromium.open("http://127.0.0.1:" + ferry.boundAddresses().get(0).getPort()
                    + "/?silent=10");
            await().atMost(WAIT).until(() -> "1".equals(page.text("app-chat-clients")));

            page.click("open-silent");
            await().atMost(WAIT).until(() -> "10".equals(page.text("app-silent-held")));
            // The page's chat and its ten silent clients, each with a connection from Ferry to the chat.
            assertThat(ferrysSocketsTo(chatPort)).hasSize(11);

            await().atMost(WAIT).until(() -> origins.chat().counts().silentPeerGone() == 10);
            long dropped = System.nanoTime();
            await().atMost(WAIT).until(() -> ferrysSocketsTo(chatPort).size() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isGreaterThan(Duration.ofSeconds(3));
            assertThat(origins.chat().counts().silentHeld()).isEqualTo(10);
            assertThat(page.text("app-chat-clients")).isEqualTo("1");
        }
    }

    /** Sockets a process holds towards the chat: Ferry's, since the test's own client went to Ferry. */
    private static List<KernelSockets.Entry> ferrysSocketsTo(int chatPort) {
        return KernelSockets.all().stream().filter(e -> e.remotePort() == chatPort && e.held()).toList();
    }

    private static void assumeFerryServesTheDemo() throws IOException {
        try (DemoOrigins origins = DemoOrigins.start(Duration.ofSeconds(1));
             Ferry ferry = Ferry.start(demoConfig(freePort(), origins))) {
            assertThat(ferry.boundAddresses()).hasSize(1);
        } catch (NotImplementedException e) {
            assumeTrue(false, "Ferry does not serve the demo configuration yet: " + e.problems());
        }
    }

    private static Config demoConfig(int port, DemoOrigins origins) {
        String text = DemoCommand.text("127.0.0.1", port, origins.site().address().getPort(),
                origins.chat().address().getPort());
        return ConfigLoader.builder().build().loadText("demo.cfg", text).valid().orElseThrow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static TextMessages chatMessages() {
        return new TextMessages(m -> m.startsWith("{\"type\":\"counts\""));
    }
}
