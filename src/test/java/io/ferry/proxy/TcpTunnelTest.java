package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** mode tcp: byte tunnels with real half-close, and the fin deadlines that reap half-closed tunnels. */
class TcpTunnelTest extends FerryTestBase {

    private ScriptedServer server(ScriptedServer.Script script) throws Exception {
        ScriptedServer s = ScriptedServer.raw(script);
        resources.add(s);
        return s;
    }

    private InetSocketAddress start(String timeouts, ScriptedServer server) {
        ferry = Ferry.start(Configs.parse("""
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                %s
                    server s1 %s
                """.formatted(timeouts, server.address())));
        return ferry.boundAddresses().get(0);
    }

    private Socket connect(InetSocketAddress addr) throws Exception {
        Socket s = new Socket(addr.getAddress(), addr.getPort());
        s.setSoTimeout(20000);
        resources.add(s);
        return s;
    }

    private static final String TIMEOUTS = """
                timeout client 10s
                timeout server 10s
                timeout connect 2s
            """;

    @Test
    void bytesPassBothWaysUnchanged() throws Exception {
        ScriptedServer echo = server((head, in, out) -> in.transferTo(out));
        InetSocketAddress addr = start(TIMEOUTS, echo);
        byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        Socket s = connect(addr);
        Thread writer = new Thread(() -> {
            try {
                s.getOutputStream().write(data);
                s.shutdownOutput();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        byte[] back = s.getInputStream().readAllBytes();
        writer.join();
        assertThat(back).isEqualTo(data);
    }

    @Test
    void halfDuplexClientSendsThenFinServerAnswersASecondLater() throws Exception {
        byte[] answer = new byte[1 << 20];
        new Random(3).nextBytes(answer);
        ScriptedServer late = server((head, in, out) -> {
            long n = in.transferTo(OutputStream.nullOutputStream());
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            out.write(("got " + n + "\n").getBytes());
            out.write(answer);
        });
        InetSocketAddress addr = start(TIMEOUTS, late);
        Socket s = connect(addr);
        s.getOutputStream().write(new byte[1 << 20]);
        s.shutdownOutput();
        byte[] back = s.getInputStream().readAllBytes();
        String head = new String(back, 0, 13);
        assertThat(head).isEqualTo("got 1048576\n" + (char) (answer[0] & 0xff));
        assertThat(back).hasSize(12 + answer.length);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void aClientThatHalfClosedGetsAnAnswerLargerThanItsWindow() throws Exception {
        // The client's FIN comes before anything was written to it; the answer then fills its 4 KiB
        // window again and again, and Ferry must wait to write each time (TransportTest has the
        // transport's own part of this).
        byte[] answer = new byte[4 << 20];
        new Random(5).nextBytes(answer);
        ScriptedServer late = server((head, in, out) -> {
            in.transferTo(OutputStream.nullOutputStream());
            out.write(answer);
        });
        InetSocketAddress addr = start(TIMEOUTS, late);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(addr);
            s.setSoTimeout(20000);
            s.getOutputStream().write('?');
            s.shutdownOutput();
            byte[] back = s.getInputStream().readAllBytes();
            assertThat(back.length).as("bytes received").isEqualTo(answer.length);
            assertThat(Arrays.equals(back, answer)).as("the same bytes").isTrue();
        }
    }

    @Test
    void tunnelsWhoseServerClosedAreReapedByClientFinWhileTheClientsStaySilent() throws Exception {
        ScriptedServer closing = server((head, in, out) -> { });
        InetSocketAddress addr = start(TIMEOUTS + "    timeout client-fin 1s\n", closing);
        int n = 100;
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(connect(addr));
        }
        // Each client sees the server's FIN, and stays connected and silent, like a vanished browser.
        for (Socket c : clients) {
            assertThat(c.getInputStream().read()).isEqualTo(-1);
        }
        long t0 = System.nanoTime();
        List<KernelSockets.Entry> held = KernelSockets.heldByProxy(addr.getPort(), closing.port());
        assertThat(held).as("the proxy's half of each tunnel waits for the client's FIN").isNotEmpty()
                .allSatisfy(e -> assertThat(e.state()).isIn("FIN_WAIT2", "CLOSE_WAIT", "FIN_WAIT1", "ESTABLISHED"));
        assertThat(ferry.streamDeadlines()).as("every live stream has an armed deadline")
                .allSatisfy(d -> assertThat(d).containsKey(Deadlines.Deadline.CLIENT_FIN));
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), closing.port()).isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3000);
        assertThat(ferry.openClientConnections()).isZero();
    }

    /**
     * A tunnel whose client sent its request and its FIN, and whose server answered and closed:
     * both FINs are in, and what is left of the answer waits in Ferry for a client that takes it
     * slowly or not at all. The kernel's send buffer is held small ({@code tune.sndbuf.client}) so
     * that Ferry, not the kernel, holds that rest.
     */
    private InetSocketAddress startAnsweringThenClosing(byte[] answer, ScriptedServer[] server) throws Exception {
        server[0] = server((head, in, out) -> {
            in.transferTo(OutputStream.nullOutputStream());
            out.write(answer);
        });
        return startWithSmallSendBuffer("1s", "10s", server[0]);
    }

    /** As {@link #start}, with {@code tune.sndbuf.client 4096}: what a slow client has not taken waits in Ferry. */
    private InetSocketAddress startWithSmallSendBuffer(String clientFin, String client, ScriptedServer server) {
        ferry = Ferry.start(Configs.parse("""
                global
                    tune.sndbuf.client 4096
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    timeout client %s
                    timeout server 10s
                    timeout connect 2s
                    timeout client-fin %s
                    server s1 %s
                """.formatted(client, clientFin, server.address())));
        return ferry.boundAddresses().get(0);
    }

    private Socket askAndHalfClose(InetSocketAddress addr, int receiveBuffer) throws Exception {
        Socket c = new Socket();
        resources.add(c);
        c.setReceiveBufferSize(receiveBuffer);
        c.connect(addr);
        c.setSoTimeout(20000);
        c.getOutputStream().write('?');
        c.shutdownOutput();
        return c;
    }

    @Test
    void aClientThatTakesNothingAfterBothFinsIsResetByItsFinTimeout() throws Exception {
        byte[] answer = new byte[48 << 10];
        ScriptedServer[] server = new ScriptedServer[1];
        InetSocketAddress addr = startAnsweringThenClosing(answer, server);
        Socket c = askAndHalfClose(addr, 4096);
        // The server's connection closes once its FIN is in; the client's stays, with bytes to take.
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), server[0].port()).stream()
                        .noneMatch(e -> e.remotePort() == server[0].port()));
        long t0 = System.nanoTime();
        assertThat(ferry.streamDeadlines()).as("the closing flush has a deadline")
                .singleElement().satisfies(d -> assertThat(d).containsOnlyKeys(Deadlines.Deadline.CLIENT_FIN));
        Awaitility.await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), server[0].port()).isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(4000);
        assertThat(ferry.openClientConnections()).isZero();
        // Reset, not ended as if all had been sent: the client cannot take the rest for the whole answer.
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.getInputStream().transferTo(got))
                .isInstanceOf(java.net.SocketException.class);
        assertThat(got.size()).isLessThan(answer.length);
    }

    @Test
    void aClientThatKeepsTakingSlowlyAfterBothFinsGetsAllOfIt() throws Exception {
        byte[] answer = new byte[48 << 10];
        new Random(11).nextBytes(answer);
        ScriptedServer[] server = new ScriptedServer[1];
        InetSocketAddress addr = startAnsweringThenClosing(answer, server);
        Socket c = askAndHalfClose(addr, 4096);
        // 2 KiB every 100 ms: about 2.4 s in all, each second of the fin timeout sees bytes go.
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[2048];
        long t0 = System.nanoTime();
        int n;
        while ((n = c.getInputStream().read(buf)) >= 0) {
            got.write(buf, 0, n);
            Thread.sleep(100);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("longer than the fin timeout")
                .isGreaterThan(1500);
        assertThat(got.toByteArray()).isEqualTo(answer);
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void aClientThatTakesALargeAnswerSlowlyButSteadilyIsNotCutByTimeoutClient() throws Exception {
        byte[] answer = new byte[96 << 10];
        new Random(13).nextBytes(answer);
        ScriptedServer answering = server((head, in, out) -> {
            out.write(answer);
            in.transferTo(OutputStream.nullOutputStream());
        });
        InetSocketAddress addr = startWithSmallSendBuffer("10s", "1s", answering);
        try (Socket c = new Socket()) {
            c.setReceiveBufferSize(4096);
            c.connect(addr);
            c.setSoTimeout(20000);
            // At most 4 KiB every 100 ms: 2.4 s or more in all, the client timeout being 1 s.
            byte[] got = new byte[answer.length];
            int at = 0;
            while (at < got.length) {
                int n = c.getInputStream().read(got, at, Math.min(4096, got.length - at));
                assertThat(n).as("bytes at %d", at).isPositive();
                at += n;
                Thread.sleep(100);
            }
            assertThat(got).isEqualTo(answer);
            c.shutdownOutput();
            assertThat(c.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void withoutClientFinTheClientTimeoutIsCappedAndAnnounced() throws Exception {
        ScriptedServer closing = server((head, in, out) -> { });
        InetSocketAddress addr = start("""
                    timeout client 1500ms
                    timeout server 10s
                    timeout connect 2s
                """, closing);
        assertThat(ferry.notices()).containsExactly(
                "listen raw (test.cfg:1): 'timeout client-fin' is not set; a half-closed client connection is "
                        + "closed after 1500ms of inactivity, min(timeout client or tunnel, 30s), rather than "
                        + "after the client timeout",
                "listen raw (test.cfg:1): 'timeout server-fin' is not set; a half-closed server connection is "
                        + "closed after 10s of inactivity, min(timeout server or tunnel, 30s), rather than "
                        + "after the server timeout");
        Socket c = connect(addr);
        assertThat(c.getInputStream().read()).isEqualTo(-1);
        long t0 = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50))
                .until(() -> KernelSockets.heldByProxy(addr.getPort(), closing.port()).isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(1000L, 4000L);
    }

    @Test
    void theDefaultFinTimeoutIsMinOfTheSideTimeoutAndThirtySeconds() {
        assertThat(TunnelTimeouts.defaultFin(86_400_000, 0)).isEqualTo(30_000);
        assertThat(TunnelTimeouts.defaultFin(0, 0)).isEqualTo(30_000);
        assertThat(TunnelTimeouts.defaultFin(5_000, 0)).isEqualTo(5_000);
        assertThat(TunnelTimeouts.defaultFin(86_400_000, 3_600_000)).isEqualTo(30_000);
        assertThat(TunnelTimeouts.defaultFin(86_400_000, 2_000)).isEqualTo(2_000);
    }

    @Test
    void aSilentServerIsBoundedByTheServerTimeout() throws Exception {
        ScriptedServer silent = server((head, in, out) -> in.transferTo(OutputStream.nullOutputStream()));
        InetSocketAddress addr = start("""
                    timeout client 10s
                    timeout server 400ms
                    timeout connect 2s
                """, silent);
        Socket c = connect(addr);
        c.getOutputStream().write("hello".getBytes());
        long t0 = System.nanoTime();
        assertThat(c.getInputStream().read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(300L, 3000L);
    }

    @Test
    void tunnelTimeoutReplacesClientAndServerOnceConnected() throws Exception {
        ScriptedServer echo = server((head, in, out) -> in.transferTo(out));
        InetSocketAddress addr = start("""
                    timeout client 200ms
                    timeout server 200ms
                    timeout connect 2s
                    timeout tunnel 1200ms
                """, echo);
        Socket c = connect(addr);
        OutputStream out = c.getOutputStream();
        InputStream in = c.getInputStream();
        out.write('a');
        assertThat(in.read()).isEqualTo('a');
        long t0 = System.nanoTime();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(900L, 3000L);
    }

    @Test
    void aRefusedServerClosesTheClientAfterRetries() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ferry = Ferry.start(Configs.parse("""
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    timeout client 5s
                    timeout server 5s
                    timeout connect 100ms
                    retries 2
                    server s1 127.0.0.1:%d
                """.formatted(port)));
        Socket c = connect(ferry.boundAddresses().get(0));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        c.getInputStream().transferTo(got);
        assertThat(got.size()).isZero();
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }
}
