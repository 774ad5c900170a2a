package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.SilentClients;
import io.ferry.testing.TestOrigin;
import io.ferry.testing.WebSocketEcho;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * WebSocket and other upgrades in {@code mode http}: the request is forwarded with its
 * {@code Upgrade}; on {@code 101} both connections become a byte tunnel with half-close and the
 * tunnel deadlines; any other answer keeps the connection HTTP.
 */
class WebSocketTunnelTest extends FerryTestBase {

    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private static final String SWITCH = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    private InetSocketAddress start(String timeouts, String server) {
        ferry = Ferry.start(Configs.parse("""
                frontend web
                    mode http
                    bind 127.0.0.1:0
                %s
                    default_backend app
                backend app
                    mode http
                %s
                    server s1 %s
                """.formatted(timeouts, timeouts, server)));
        return ferry.boundAddresses().get(0);
    }

    private static final String TIMEOUTS = """
                timeout client 10s
                timeout server 10s
                timeout connect 2s
            """;

    private TestOrigin origin() {
        TestOrigin origin = TestOrigin.start("o");
        resources.add(origin);
        return origin;
    }

    private Socket connect(InetSocketAddress addr) throws IOException {
        Socket s = new Socket(addr.getAddress(), addr.getPort());
        s.setSoTimeout(20000);
        resources.add(s);
        return s;
    }

    @Test
    void aWebSocketSessionArrivesIntactBothWays() throws Exception {
        WebSocketEcho echo = new WebSocketEcho();
        resources.add(echo);
        // What is tested is integrity: the timeouts leave a loaded machine time to move 16 MiB.
        InetSocketAddress addr = start("""
                    timeout client 60s
                    timeout server 60s
                    timeout connect 5s
                """, echo.address());
        Received got = new Received();
        HttpClient http = HttpClient.newHttpClient();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + addr.getPort() + "/ws"), got).get(10, TimeUnit.SECONDS);

        // A text message in two fragments.
        ws.sendText("hel", false).get(10, TimeUnit.SECONDS);
        ws.sendText("lo", true).get(10, TimeUnit.SECONDS);
        assertThat(got.next()).isEqualTo("text:hello");

        // A 16 MiB binary message.
        byte[] big = new byte[16 << 20];
        new Random(16).nextBytes(big);
        ws.sendBinary(ByteBuffer.wrap(big), true).get(60, TimeUnit.SECONDS);
        assertThat(got.nextBinary()).isEqualTo(big);

        ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        assertThat(got.next()).isEqualTo("pong:are you there");

        ws.sendClose(4001, "bye").get(10, TimeUnit.SECONDS);
        assertThat(got.next()).isEqualTo("close:4001 bye");

        assertThat(echo.received()).startsWith(new WebSocketEcho.Frame("Text", false, 3),
                new WebSocketEcho.Frame("Continuation", true, 2), new WebSocketEcho.Frame("Binary", true, 16 << 20));
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void bytesAfterThe101ComeBackByteIdentical() throws Exception {
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            // The 101 and the first bytes of the new protocol in one write.
            out.write((SWITCH + "early").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            in.transferTo(out);
        });
        resources.add(server);
        InetSocketAddress addr = start(TIMEOUTS, server.address());
        Socket s = connect(addr);
        s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        String head = SilentClients.readHead(in);
        assertThat(head).startsWith("HTTP/1.1 101 ").containsIgnoringCase("upgrade: websocket")
                .containsIgnoringCase("connection: upgrade");
        assertThat(new String(in.readNBytes(5), StandardCharsets.ISO_8859_1)).isEqualTo("early");

        byte[] data = new byte[1 << 20];
        new Random(101).nextBytes(data);
        Thread writer = new Thread(() -> {
            try {
                s.getOutputStream().write(data);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        byte[] back = in.readAllBytes();
        writer.join();
        assertThat(back).isEqualTo(data);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void aWebSocketUpgradeWithoutItsKeyIs400() throws Exception {
        TestOrigin origin = origin();
        Socket s = connect(start(TIMEOUTS, origin.address()));
        s.getOutputStream().write(UPGRADE.replaceAll("Sec-WebSocket-Key: [^\r]*\r\n", "")
                .getBytes(StandardCharsets.ISO_8859_1));
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(origin.requests()).isZero();
    }

    @Test
    void aTwoHundredInsteadOf101KeepsTheConnectionHttp() throws Exception {
        TestOrigin origin = origin();
        Socket s = connect(start(TIMEOUTS, origin.address()));
        OutputStream out = s.getOutputStream();
        out.write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        String first = SilentClients.readHead(in);
        assertThat(first).startsWith("HTTP/1.1 200 ").doesNotContainIgnoringCase("\r\nupgrade:");
        in.readNBytes(contentLength(first));
        assertThat(origin.seen().get(0).headers().get("Upgrade")).isEqualTo("websocket");
        assertThat(origin.seen().get(0).headers().get("Connection")).isEqualToIgnoringCase("upgrade");

        out.write("GET /again HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String second = SilentClients.readHead(in);
        assertThat(second).startsWith("HTTP/1.1 200 ");
        assertThat(origin.seen()).hasSize(2);
        assertThat(origin.seen().get(1).uri()).isEqualTo("/again");
    }

    @Test
    void aTwoHundredToConnectMakesATunnel() throws Exception {
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            ScriptedServer.write(out, "HTTP/1.1 200 Connection established\r\n\r\n");
            in.transferTo(out);
        });
        resources.add(server);
        InetSocketAddress addr = start(TIMEOUTS, server.address());
        Socket s = connect(addr);
        s.getOutputStream().write("CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        assertThat(SilentClients.readHead(in)).startsWith("HTTP/1.1 200 ");
        byte[] data = new byte[64 << 10];
        new Random(443).nextBytes(data);
        s.getOutputStream().write(data);
        s.shutdownOutput();
        assertThat(in.readAllBytes()).isEqualTo(data);
    }

    @Test
    void anHttpClientThatHalfClosedAndStoppedReadingIsBoundByClientFin() throws Exception {
        ScriptedServer big = new ScriptedServer((head, in, out) -> {
            int size = 32 << 20;
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
            out.write(new byte[size]);
        });
        resources.add(big);
        InetSocketAddress addr = start("""
                    timeout client 30s
                    timeout server 30s
                    timeout connect 2s
                    timeout client-fin 1s
                """, big.address());
        Socket s = connect(addr);
        s.setReceiveBufferSize(4096);
        s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        s.shutdownOutput();
        // The client reads nothing more: Ferry stops reading the server, and the client side goes quiet.
        long t0 = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> ferry.openClientConnections() == 0);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
    }

    @Test
    void anUnaskedFor101IsABadGateway() throws Exception {
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            out.write(SWITCH.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            in.transferTo(OutputStream.nullOutputStream());
        });
        resources.add(server);
        InetSocketAddress addr = start(TIMEOUTS, server.address());
        Socket s = connect(addr);
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(SilentClients.readHead(s.getInputStream())).startsWith("HTTP/1.1 502 ");
    }

    @Test
    void tunnelTimeoutReplacesClientAndServerOnceSwitched() throws Exception {
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            out.write(SWITCH.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            in.transferTo(out);
        });
        resources.add(server);
        InetSocketAddress addr = start("""
                    timeout client 300ms
                    timeout server 300ms
                    timeout connect 2s
                    timeout tunnel 1500ms
                """, server.address());
        Socket s = connect(addr);
        s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        assertThat(SilentClients.readHead(in)).startsWith("HTTP/1.1 101 ");
        s.getOutputStream().write('a');
        assertThat(in.read()).isEqualTo('a');
        assertThat(ferry.streamDeadlines()).singleElement()
                .satisfies(d -> assertThat(d).containsOnlyKeys(Deadlines.Deadline.TUNNEL));
        long t0 = System.nanoTime();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(1200L, 4000L);
    }

    @Test
    void fiveHundredTunnelsClosedByTheServerAreReapedByClientFinWhileTheClientsStaySilent() throws Exception {
        // The application closes each WebSocket's connection right after the handshake.
        ScriptedServer closing = new ScriptedServer((head, in, out) -> {
            out.write(SWITCH.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        });
        resources.add(closing);
        InetSocketAddress addr = start(TIMEOUTS + "    timeout client-fin 2s\n", closing.address());
        int n = 500;
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket c = connect(addr);
            c.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
            clients.add(c);
        }
        // Each client gets its 101, then the server's FIN, and stays connected and silent.
        for (Socket c : clients) {
            assertThat(SilentClients.readHead(c.getInputStream())).startsWith("HTTP/1.1 101 ");
            assertThat(c.getInputStream().read()).isEqualTo(-1);
        }
        long closedAt = System.nanoTime();
        assertThat(KernelSockets.heldByProxy(addr.getPort(), closing.port())).as("half-closed tunnels")
                .isNotEmpty();
        assertThat(ferry.streamDeadlines()).as("every live stream has an armed deadline")
                .allSatisfy(d -> assertThat(d).containsKey(Deadlines.Deadline.CLIENT_FIN));
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), closing.port()).isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt)).isLessThan(3000);
        assertThat(ferry.openClientConnections()).isZero();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    /** What a JDK WebSocket client received, one whole message or event at a time. */
    private static final class Received implements WebSocket.Listener {
        private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add("text:" + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                events.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            events.add("pong:" + StandardCharsets.UTF_8.decode(message));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add("close:" + statusCode + " " + reason);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.add("error:" + error);
        }

        Object take() throws InterruptedException {
            Object o = events.poll(60, TimeUnit.SECONDS);
            assertThat(o).as("a WebSocket event within 60 s").isNotNull();
            return o;
        }

        String next() throws InterruptedException {
            return String.valueOf(take());
        }

        byte[] nextBinary() throws InterruptedException {
            Object o = take();
            assertThat(o).isInstanceOf(byte[].class);
            return (byte[]) o;
        }
    }
}
