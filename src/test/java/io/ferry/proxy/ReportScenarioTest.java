package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.ScriptedServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The report behind the project, with its timeouts (24 h client and server timeouts, no fin
 * timeouts): 500 tunnels whose server closes while the clients stay connected and silent. HAProxy
 * holds a FIN_WAIT2 and a CLOSE_WAIT socket per tunnel for a day; Ferry's default fin timeout
 * (min(24 h, 30 s)) frees them after 30 s: in {@code mode tcp}, and as WebSockets in {@code mode
 * http}. Each takes about 35 s, so they run only with {@code -Dferry.slowTests=true} (CI sets it).
 */
@EnabledIfSystemProperty(named = "ferry.slowTests", matches = "true")
class ReportScenarioTest extends FerryTestBase {

    @Test
    void fiveHundredHalfClosedTcpTunnelsAreGoneAfterThirtyOneSeconds() throws Exception {
        ScriptedServer closing = ScriptedServer.raw((head, in, out) -> { });
        resources.add(closing);
        ferry = Ferry.start(Configs.parse("""
                listen ws
                    mode tcp
                    bind 127.0.0.1:0
                    maxconn 500
                    timeout client 86400000
                    timeout server 86400000
                    timeout connect 5s
                    server node1 %s
                """.formatted(closing.address())));
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        for (int i = 0; i < 500; i++) {
            Socket s = connect(addr);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertAllGoneWithinThirtyOneSeconds(addr, closing);
    }

    @Test
    void fiveHundredHalfClosedWebSocketsAreGoneAfterThirtyOneSeconds() throws Exception {
        // The Node app of the report: it accepts each WebSocket, then closes it; the browsers have vanished.
        ScriptedServer closing = new ScriptedServer((head, in, out) -> ScriptedServer.write(out,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
        resources.add(closing);
        ferry = Ferry.start(Configs.parse("""
                frontend http-in
                    mode http
                    bind 127.0.0.1:0
                    maxconn 500
                    timeout client 86400000
                    default_backend node
                backend node
                    mode http
                    timeout server 86400000
                    timeout connect 5s
                    server node1 %s
                """.formatted(closing.address())));
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        for (int i = 0; i < 500; i++) {
            Socket s = connect(addr);
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 101 ");
        }
        assertAllGoneWithinThirtyOneSeconds(addr, closing);
    }

    private Socket connect(InetSocketAddress addr) throws Exception {
        Socket s = new Socket(addr.getAddress(), addr.getPort());
        s.setSoTimeout(10000);
        resources.add(s);
        return s;
    }

    /** The proxy's sockets of the 500 tunnels stay for a while, then are all gone 30 s after the close. */
    private static void assertAllGoneWithinThirtyOneSeconds(InetSocketAddress addr, ScriptedServer closing) {
        long t0 = System.nanoTime();
        assertThat(KernelSockets.heldByProxy(addr.getPort(), closing.port())).hasSizeGreaterThanOrEqualTo(500);
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), closing.port()).size() >= 500);
        Awaitility.await().atMost(Duration.ofSeconds(31)).pollInterval(Duration.ofMillis(200))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), closing.port()).isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isBetween(25L, 31L);
    }
}
