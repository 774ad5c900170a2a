package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.ScriptedServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * 10,000 short connections and 1,000 long ones through a {@code mode tcp} proxy: afterwards the
 * process holds exactly the descriptors it held before (proxy, server and clients all live in this
 * JVM, so every one of their sockets counts).
 */
@EnabledOnOs(OS.LINUX)
class DescriptorBaselineTest extends FerryTestBase {

    private static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private static void roundTrip(Socket s) throws IOException {
        s.getOutputStream().write('x');
        assertThat(s.getInputStream().read()).isEqualTo('x');
    }

    @Test
    void afterTenThousandShortAndAThousandLongConnectionsTheDescriptorsAreBackToTheBaseline() throws Exception {
        ScriptedServer echo = ScriptedServer.raw((head, in, out) -> in.transferTo(out));
        resources.add(echo);
        ferry = Ferry.start(Configs.parse("""
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    timeout client 30s
                    timeout server 30s
                    timeout connect 5s
                    server s1 %s
                """.formatted(echo.address())));
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        try (Socket warmUp = new Socket(addr.getAddress(), addr.getPort())) {
            roundTrip(warmUp);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ferry.openClientConnections() == 0);
        int baseline = openDescriptors();

        List<Socket> longOnes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Socket s = new Socket(addr.getAddress(), addr.getPort());
            s.setSoTimeout(30000);
            longOnes.add(s);
            roundTrip(s);
        }
        AtomicInteger shortOnes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(pool.submit(() -> {
                    while (shortOnes.getAndIncrement() < 10_000) {
                        try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                            s.setSoTimeout(30000);
                            roundTrip(s);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(openDescriptors()).as("the long connections are still held").isGreaterThanOrEqualTo(baseline + 3000);
        for (Socket s : longOnes) {
            s.close();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(openDescriptors()).isLessThanOrEqualTo(baseline));
        assertThat(ferry.openClientConnections()).isZero();
    }
}
