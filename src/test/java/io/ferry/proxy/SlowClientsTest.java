package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.RawClient;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.TestOrigin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Clients that send or read slowly are bounded by their deadlines and buffers, and do not slow others down. */
class SlowClientsTest extends FerryTestBase {

    private TestOrigin origin;

    private InetSocketAddress start(String timeouts, String server) {
        ferry = Ferry.start(Configs.parse("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout server 10s
                %s
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server s1 %s
                """.formatted(timeouts, server)));
        return ferry.boundAddresses().get(0);
    }

    /** Ferry in front of a {@link TestOrigin}, kept in {@link #origin}, with {@code timeouts} in its defaults. */
    private InetSocketAddress startBeforeOrigin(String... timeouts) throws Exception {
        origin = TestOrigin.start("o");
        resources.add(origin::close);
        StringBuilder lines = new StringBuilder();
        for (String t : timeouts) {
            lines.append("    ").append(t).append('\n');
        }
        return start(lines.toString(), origin.address());
    }

    @Test
    void slowlorisClientsGet408AtTheDeadlineWhileANormalClientIsServed() throws Exception {
        InetSocketAddress addr = startBeforeOrigin("timeout client 20s", "timeout http-request 3s");
        try (RawClient warm = new RawClient(addr)) {
            warm.send("GET /warm HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(warm.readAll()).startsWith("HTTP/1.1 200");
        }
        int slow = 200;
        List<Socket> sockets = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        resources.add(trickle::shutdownNow);
        long t0 = System.nanoTime();
        for (int i = 0; i < slow; i++) {
            Socket s = new Socket(addr.getAddress(), addr.getPort());
            s.setSoTimeout(20000);
            resources.add(s);
            sockets.add(s);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        // Every 200 ms, one more byte of a header line on each slow connection: never a complete head. The
        // trickle stops shortly before the deadline: Ferry closes right after its 408, and a byte arriving
        // after that close would make the kernel reset the connection, discarding the 408 unread.
        byte[] line = "X-Slow: abcdefghijklmnopqrstuvwxyz\r\n".getBytes(StandardCharsets.US_ASCII);
        AtomicLong ticks = new AtomicLong();
        trickle.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(2700)) {
                return;
            }
            byte b = line[(int) (ticks.getAndIncrement() % line.length)];
            for (Socket s : sockets) {
                try {
                    s.getOutputStream().write(b);
                } catch (IOException e) {
                    // Ferry closed it: the test reads what it said below.
                }
            }
        }, 200, 200, TimeUnit.MILLISECONDS);

        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == slow);
        // A normal client keeps being served, promptly, while the slow ones trickle.
        int served = 0;
        long slowest = 0;
        while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2700)) {
            long r0 = System.nanoTime();
            try (RawClient raw = new RawClient(addr)) {
                raw.send("GET /n" + served + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                assertThat(raw.readAll()).startsWith("HTTP/1.1 200").endsWith("o GET /n" + served);
            }
            slowest = Math.max(slowest, System.nanoTime() - r0);
            served++;
        }
        // Bounds with room for a loaded machine: served several times, each well before the slow ones' deadline.
        assertThat(served).as("requests served during the trickle").isGreaterThanOrEqualTo(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("slowest normal request, ms").isLessThan(2500);

        for (Socket s : sockets) {
            String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(got).startsWith("HTTP/1.1 408 Request Time-out").contains("connection: close");
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).as("all slow clients answered and closed, ms").isBetween(2900L, 15000L);
        assertThat(origin.requests()).as("the origin saw only the normal client").isEqualTo(served + 1);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void aHeaderFloodIsRefusedAtTheLimitNotAtTheDeadline() throws Exception {
        InetSocketAddress addr = startBeforeOrigin("timeout client 20s", "timeout http-request 20s");
        long t0 = System.nanoTime();
        try (RawClient raw = new RawClient(addr)) {
            StringBuilder flood = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
            for (int i = 0; i < 150; i++) {
                flood.append("X-").append(i).append(": v\r\n");
            }
            raw.send(flood.toString());
            assertThat(raw.readAll()).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000L);
        assertThat(ferry.errors().lastRequest("www").orElseThrow().reason()).isEqualTo("more than 101 field lines");
        assertThat(origin.requests()).isZero();
    }

    @Test
    void aClientThatStopsReadingIsBoundedByTimeoutClientAndTheBuffers() throws Exception {
        AtomicLong written = new AtomicLong();
        CompletableFuture<Long> cut = new CompletableFuture<>();
        ScriptedServer endless = new ScriptedServer((head, in, out) -> {
            writeForever(out, written, cut);
        });
        resources.add(endless);
        InetSocketAddress addr = start("""
                    timeout client 1s
                """, endless.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
            // The client reads nothing: Ferry stops reading the server once the client's socket is full,
            // then timeout client passes without progress and both connections are closed.
            long t0 = System.nanoTime();
            long atCut = cut.get(15, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("slow reader: the server wrote %d KiB before Ferry cut it, %d ms after the request%n",
                    atCut >> 10, ms);
            assertThat(ms).as("server connection closed after, ms").isBetween(900L, 10000L);
            assertThat(atCut).as("bytes the server could write before Ferry stopped reading it")
                    .isLessThan(64L << 20);
            assertThat(raw.closedByPeerAfterDraining()).isTrue();
        }
    }

    /**
     * A client that reads a large answer slowly but steadily, each read a small part of what one
     * write of Ferry's holds: it takes bytes all the time, so {@code timeout client} (1 s here,
     * against 4 s for the answer) never passes.
     */
    @Test
    void aClientThatTakesALargeAnswerSlowlyButSteadilyIsNotCutByTimeoutClient() throws Exception {
        origin = TestOrigin.start("o");
        resources.add(origin::close);
        ferry = Ferry.start(Configs.parse("""
                global
                    tune.sndbuf.client 4096
                defaults
                    mode http
                    timeout connect 2s
                    timeout server 10s
                    timeout client 1s
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server s1 %s
                """.formatted(origin.address())));
        int size = 160 << 10;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(ferry.boundAddresses().get(0));
            s.setSoTimeout(20000);
            s.getOutputStream().write(("GET /bytes?n=" + size + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // 4 KiB every 100 ms: about 4 s in all.
            byte[] buf = new byte[4096];
            long got = 0;
            int n;
            while ((n = s.getInputStream().read(buf)) >= 0) {
                got += n;
                Thread.sleep(100);
            }
            assertThat(got).as("the whole answer, head and body").isGreaterThan(size);
        }
    }

    @Test
    void aClientThatPipelinesRequestsWithoutReadingIsServedOnlyAsFarAsItReads() throws Exception {
        InetSocketAddress addr = startBeforeOrigin("timeout client 1s");
        int sent = 40000;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(addr);
            // 40,000 requests for 1 KiB each, 40 MiB of answers (each a whole response, so no single
            // response is held back by the client's full socket), that the client never reads.
            long t0 = System.nanoTime();
            sendInBackground(s, ("GET /bytes?n=1024 HTTP/1.1\r\nHost: t\r\n\r\n").repeat(sent));
            int clientPort = s.getLocalPort();
            // Ferry serves what the sockets' buffers and its high-water mark hold, then waits for the client
            // under timeout client, and closes.
            awaitReleased(addr.getPort(), clientPort);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int served = origin.requests();
            System.out.printf("pipelining without reading: %d of %d requests went to the server; closed after %d ms%n",
                    served, sent, ms);
            assertThat(ms).as("closed after, ms").isGreaterThanOrEqualTo(900L);
            assertThat(served).as("requests served for a client that read nothing").isLessThan(sent / 4);
        }
    }

    @Test
    void aClientThatReadsNothingAndSendsGarbageAfterPipelinedRequestsIsClosedAtItsTimeout() throws Exception {
        InetSocketAddress addr = startBeforeOrigin("timeout client 1s");
        for (int size : new int[] {1024, 16384}) {
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(addr);
                // Whether Ferry reads the garbage while its answers wait for the client (its 400 then waits
                // behind them, and the connection closes once it is sent) or stops reading before it, the
                // client's deadline ends the connection.
                long t0 = System.nanoTime();
                sendInBackground(s, ("GET /bytes?n=" + size + " HTTP/1.1\r\nHost: t\r\n\r\n").repeat(4000)
                        + "\u0000garbage\r\n\r\n");
                awaitReleased(addr.getPort(), s.getLocalPort());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).as("answers of %d bytes: closed after, ms", size).isBetween(900L, 10000L);
            }
        }
    }

    /** Writes {@code text} from another thread, as far as the proxy reads it (it may never read it all). */
    private void sendInBackground(Socket s, String text) {
        sendInBackground(s, text, false);
    }

    /** As {@link #sendInBackground(Socket, String)}, then half-closes when {@code fin}. */
    private void sendInBackground(Socket s, String text, boolean fin) {
        Thread t = new Thread(() -> {
            try {
                s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
                if (fin) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the proxy closed the connection first
            }
        }, "pipelining-client");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until the proxy holds no socket for the client at {@code clientPort}. */
    private static void awaitReleased(int proxyPort, int clientPort) {
        Awaitility.await().atMost(15, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> KernelSockets.all().stream()
                        .noneMatch(e -> e.localPort() == proxyPort && e.remotePort() == clientPort && e.held()));
    }

    @Test
    void aClientThatPipelinesHalfClosesAndReadsSlowlyGetsEveryAnswer() throws Exception {
        InetSocketAddress addr = startBeforeOrigin("timeout client 20s", "timeout http-keep-alive 20s");
        for (int size : new int[] {65536, 1024}) {
            int sent = size > 1024 ? 100 : 3000;
            try (Socket s = new Socket()) {
                // A small window: the answers wait on Ferry's side time and again.
                s.setReceiveBufferSize(4096);
                s.connect(addr);
                s.setSoTimeout(20000);
                long t0 = System.nanoTime();
                // As `nc` does: the requests, then FIN, then the answers are read.
                sendInBackground(s, ("GET /bytes?n=" + size + " HTTP/1.1\r\nHost: t\r\n\r\n").repeat(sent), true);
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(all.split("HTTP/1.1 200 OK", -1)).as("answers of %d bytes", size).hasSize(sent + 1);
                assertThat(all.length()).isGreaterThan(sent * size);
                // Closed once the last answer is sent, not at a timeout.
                assertThat(ms).as("answers of %d bytes: closed after, ms", size).isLessThan(10000L);
            }
        }
        assertThat(origin.requests()).isEqualTo(100 + 3000);
    }

    private static void writeForever(OutputStream out, AtomicLong written, CompletableFuture<Long> cut) {
        byte[] block = new byte[65536];
        try {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(block);
                written.addAndGet(block.length);
            }
        } catch (IOException e) {
            cut.complete(written.get());
        }
    }
}
