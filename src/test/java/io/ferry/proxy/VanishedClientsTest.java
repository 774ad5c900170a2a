package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.ferry.testing.NetNamespace;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.SilentClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Clients that vanish without a trace — no FIN, no reset, not even an ACK — while the server closes
 * its side: Ferry forwards the server's FIN to a peer that never acknowledges it, so the kernel
 * holds each client socket in FIN_WAIT1, retransmitting. The clients live in a network namespace
 * of the test's own whose link is then taken down; the fin deadline must reap those sockets like
 * any other. Needs root (to make the namespace); skipped elsewhere.
 */
@EnabledOnOs(OS.LINUX)
class VanishedClientsTest extends FerryTestBase {

    private static final int CLIENTS = 50;

    private final CountDownLatch serverCloses = new CountDownLatch(1);

    private void awaitClose() {
        try {
            serverCloses.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tcpTunnelsToClientsThatVanishedAreReapedByClientFin() throws Exception {
        ScriptedServer server = ScriptedServer.raw((head, in, out) -> awaitClose());
        reapedAfterTheServerCloses(server, "tcp", """
                listen raw
                    mode tcp
                    bind %s:0
                    timeout client 86400000
                    timeout server 86400000
                    timeout connect 5s
                    timeout client-fin 2s
                    server s1 %s
                """);
    }

    @Test
    void webSocketsToClientsThatVanishedAreReapedByClientFin() throws Exception {
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            ScriptedServer.write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
            awaitClose();
        });
        reapedAfterTheServerCloses(server, "ws", """
                frontend web
                    mode http
                    bind %s:0
                    timeout client 86400000
                    timeout client-fin 2s
                    default_backend app
                backend app
                    mode http
                    timeout server 86400000
                    timeout connect 5s
                    server s1 %s
                """);
    }

    private void reapedAfterTheServerCloses(ScriptedServer server, String mode, String config) throws Exception {
        resources.add(server);
        NetNamespace ns = NetNamespace.create();
        assumeTrue(ns != null, "making a network namespace needs root and iproute2");
        resources.add(ns);
        ferry = Ferry.start(Configs.parse(config.formatted(ns.hostAddress(), server.address())));
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        startClients(ns, addr, CLIENTS, mode, server);

        ns.cutOff();
        serverCloses.countDown();
        long closedAt = System.nanoTime();
        // The FIN towards each vanished client is never acknowledged.
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(clientSides(addr)).hasSize(CLIENTS)
                        .allSatisfy(e -> assertThat(e.state()).isEqualTo("FIN_WAIT1")));
        Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(KernelSockets.heldByProxy(addr.getPort(), server.port())).isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt)).isBetween(1500L, 6000L);
    }

    /**
     * Clients that read all a server streams to them, then vanish: Ferry holds bytes for them, and
     * the kernel retransmits to them, unacknowledged. They are not slow readers still taking data:
     * {@code timeout client} reaps them as it reaps clients that stopped reading.
     */
    @Test
    void tcpTunnelsToClientsThatVanishedWhileTakingDataAreReapedByTimeoutClient() throws Exception {
        ScriptedServer streaming = ScriptedServer.raw((head, in, out) -> {
            byte[] block = new byte[16384];
            while (true) {
                out.write(block);
            }
        });
        resources.add(streaming);
        NetNamespace ns = NetNamespace.create();
        assumeTrue(ns != null, "making a network namespace needs root and iproute2");
        resources.add(ns);
        ferry = Ferry.start(Configs.parse("""
                listen raw
                    mode tcp
                    bind %s:0
                    timeout client 2s
                    timeout server 86400000
                    timeout connect 5s
                    server s1 %s
                """.formatted(ns.hostAddress(), streaming.address())));
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        startClients(ns, addr, 5, "reading", streaming);
        ns.cutOff();
        long cutAt = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(KernelSockets.heldByProxy(addr.getPort(), streaming.port())).isEmpty());
        // At the timeout, not later: what the kernel sent them last was before the cut, and since
        // then it retransmits.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt)).isBetween(1500L, 4000L);
    }

    /** Starts {@code count} clients in {@code ns} ({@link SilentClients}) and waits until the server has them all. */
    private static void startClients(NetNamespace ns, InetSocketAddress addr, int count, String mode,
                                     ScriptedServer server) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(SilentClients.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Process clients = ns.start(java, "-cp", classes, SilentClients.class.getName(), ns.hostAddress(),
                String.valueOf(addr.getPort()), String.valueOf(count), mode);
        BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
        String said = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(said).isEqualTo("ready");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.accepted() == count);
    }

    /** The proxy's sockets towards the clients. */
    private static List<KernelSockets.Entry> clientSides(InetSocketAddress addr) {
        return KernelSockets.all().stream()
                .filter(e -> e.localPort() == addr.getPort() && !e.state().equals("LISTEN")).toList();
    }
}
