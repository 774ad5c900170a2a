package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.testing.Configs;
import io.ferry.testing.StandaloneFerry;
import io.ferry.testing.TestOrigin;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Ferry that runs out of file descriptors: it runs in a JVM of its own, started under a low
 * {@code ulimit -n}, so that its accepts and sockets fail with the kernel's own {@code EMFILE}.
 * Its {@code maxconn} is far above what the limit allows, as in a configuration copied from
 * elsewhere. It must say so in a line, not a stack trace per failed accept; answer a request it
 * has no socket for with a 503 logged {@code RC}, and close a tunnel it has none for, logged
 * {@code RC} too; and serve again, connections that waited in the backlog included, once
 * connections close. Each test runs on the transport the machine offers and on Java NIO, which
 * Ferry uses where no native transport loads (its accept fails with the JDK's
 * {@code IOException}, not Netty's native one).
 */
class DescriptorExhaustionTest {

    /** The child's limit of open files: above what its JVM opens, far below its maxconn. */
    private static final int LIMIT = 160;
    /** Connections opened at once: more than the limit leaves room for. */
    private static final int CONNECTIONS = 200;
    /** Connections kept open, and used, once the others are closed. */
    private static final int KEPT = 40;
    /**
     * The configurations' start: a {@code maxconn} far above what the limit allows, as in a
     * configuration copied from elsewhere, and a {@code defaults} section the tests add to.
     */
    private static final String PREAMBLE = """
            global
                maxconn 5000
            defaults
                timeout connect 2s
                timeout client 30s
                timeout server 30s
            """;

    @ParameterizedTest(name = "nio={0}")
    @ValueSource(booleans = {false, true})
    void aFerryOutOfDescriptorsSaysSoAnswers503AndServesAgainOnceConnectionsClose(boolean nio, @TempDir Path dir)
            throws Exception {
        try (TestOrigin origin = TestOrigin.start("o");
             Child ferry = new Child(dir, nio, PREAMBLE + """
                         mode http
                         timeout http-request 30s
                     frontend web
                         bind 127.0.0.1:0
                         log stderr format raw local0
                         log-format "%%ST %%ts"
                         default_backend app
                     backend app
                         retries 0
                         server o1 %s
                     """.formatted(origin.address()))) {
            ferry.check(() -> {
                List<Socket> sockets = ferry.sockets;
                int port = ferry.ports[0];
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket();
                    // they all connect: those Ferry cannot accept wait in its listening socket's backlog
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    sockets.add(s);
                }
                await().atMost(Duration.ofSeconds(10)).alias("the log says accepting fails")
                        .until(() -> ferry.log().contains(
                        "cannot accept connections: the process has reached its limit of open files (" + LIMIT
                                + "); connections wait in the listening socket's backlog"));

                // The first connection was accepted; there is no descriptor left for its server.
                Socket first = sockets.remove(0);
                first.setSoTimeout(10_000);
                assertThat(get(first)).isEqualTo("HTTP/1.1 503 Service Unavailable");
                first.close();
                // the access log line is written by Ferry's log thread, maybe after the answer went out
                await().atMost(Duration.ofSeconds(5)).until(() -> ferry.logged("503 RC"));
                String log = ferry.log();
                assertThat(log).contains("Ferry cannot open connections to servers: the process has reached its "
                        + "limit of open files (" + LIMIT + "); a stream that needs one tries again as its backend's "
                        + "'retries' allows, then answers 503 (mode http) or closes (mode tcp). Fix: raise the limit "
                        + "(LimitNOFILE= in the systemd unit, or ulimit -n) or lower maxconn");
                // Said once, however many accepts failed, and never as a failure no handler took.
                assertThat(log.lines().filter(l -> l.contains("cannot accept connections"))).hasSize(1);
                assertThat(log).doesNotContain("exceptionCaught").doesNotContain("\tat ");

                // Connections close: Ferry accepts again, those that waited in the backlog too.
                int served = origin.requests();
                while (sockets.size() > KEPT) {
                    sockets.remove(0).close();
                }
                for (Socket s : sockets) {
                    s.setSoTimeout(10_000);
                    assertThat(get(s)).isEqualTo("HTTP/1.1 200 OK");
                }
                assertThat(origin.requests() - served).isEqualTo(KEPT);
            });
        }
    }

    /**
     * A Ferry that runs out of descriptors in {@code mode tcp}: a tunnel is accepted when no
     * descriptor is left for its server's socket. It is closed and logged {@code RC}, the log says
     * why in a line, and tunnels work again once descriptors are free. An HTTP connection answered
     * by Ferry itself holds one descriptor, which the test frees to let exactly one tunnel in:
     * every tunnel takes two (its client's and its server's), so the last free descriptor goes to a
     * client or to a server depending on how many the JVM holds, and freeing one more makes sure a
     * client gets it.
     */
    @ParameterizedTest(name = "nio={0}")
    @ValueSource(booleans = {false, true})
    void aTunnelAcceptedWithNoDescriptorForItsServerIsClosedAndLoggedRc(boolean nio, @TempDir Path dir)
            throws Exception {
        try (TestOrigin origin = TestOrigin.start("o");
             Child ferry = new Child(dir, nio, PREAMBLE + """
                     frontend web
                         mode http
                         bind 127.0.0.1:0
                         http-request return status 200 content-type text/plain string ok
                     frontend relay
                         mode tcp
                         bind 127.0.0.1:0
                         log stderr format raw local0
                         log-format "tunnel %%ts"
                         default_backend app
                     backend app
                         mode tcp
                         retries 0
                         server o1 %s
                     """.formatted(origin.address()))) {
            ferry.check(() -> {
                List<Socket> tunnels = ferry.sockets;
                // One descriptor held by a connection that needs no server.
                Socket held = new Socket("127.0.0.1", ferry.ports[0]);
                held.setSoTimeout(10_000);
                held.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] ok = new byte[64];
                int n = held.getInputStream().read(ok);
                assertThat(new String(ok, 0, Math.max(n, 0), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

                // Tunnels, one at a time, until one is refused its server or waits in the backlog.
                boolean waiting = false;
                while (!ferry.logged("tunnel RC") && !waiting) {
                    assertThat(tunnels).hasSizeLessThan(LIMIT);
                    int accepted = origin.accepted();
                    tunnels.add(new Socket("127.0.0.1", ferry.ports[1]));
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                            .until(() -> origin.accepted() > accepted || ferry.logged("tunnel RC")
                            || ferry.log().contains("cannot accept connections"));
                    waiting = origin.accepted() == accepted && !ferry.logged("tunnel RC");
                }
                if (waiting) {
                    // The last tunnel waits in the backlog: one descriptor freed lets it in, none is left for its server.
                    held.close();
                    await().atMost(Duration.ofSeconds(10)).until(() -> ferry.logged("tunnel RC"));
                }
                Socket refused = tunnels.remove(tunnels.size() - 1);
                refused.setSoTimeout(10_000);
                assertThat(refused.getInputStream().read()).as("the tunnel with no server is closed").isEqualTo(-1);
                refused.close();
                String log = ferry.log();
                assertThat(log).contains("Ferry cannot open connections to servers: the process has reached its "
                        + "limit of open files (" + LIMIT + ")");
                assertThat(log.lines().filter(l -> l.contains("cannot open connections to servers"))).hasSize(1);
                assertThat(log).doesNotContain("exceptionCaught").doesNotContain("\tat ");

                // Descriptors free again: a tunnel reaches its server and carries bytes.
                for (Socket t : tunnels) {
                    t.close();
                }
                tunnels.clear();
                held.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> origin.open() == 0);
                try (Socket t = new Socket("127.0.0.1", ferry.ports[1])) {
                    t.setSoTimeout(10_000);
                    assertThat(get(t)).isEqualTo("HTTP/1.1 200 OK");
                }
            });
        }
    }

    /** What a test does with a {@link Child}. */
    private interface Steps {
        void run() throws Exception;
    }

    /**
     * {@link StandaloneFerry} in a JVM of its own under {@link #LIMIT} open files, on Java NIO when
     * asked (Netty's native transports are told not to load), and the sockets a test opened to it.
     */
    private static final class Child implements AutoCloseable {
        final List<Socket> sockets = new ArrayList<>();
        final Process process;
        final Path out;
        final Path err;
        /** Its listening ports, in the configuration's order. */
        final int[] ports;

        Child(Path dir, boolean nio, String config) throws IOException {
            Path cfg = dir.resolve("ferry.cfg");
            Files.writeString(cfg, config);
            out = dir.resolve("out");
            err = dir.resolve("err");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$@\"", "bash", java,
                    "-Xmx128m", "-Dio.netty.leakDetection.level=paranoid", "-Dferry.test.epoll=" + Configs.ON_EPOLL,
                    "-Dio.netty.transport.noNative=" + nio,
                    "-cp", classPathWithJar(dir.resolve("ferry.jar")), StandaloneFerry.class.getName(), cfg.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("TRANSPORT "));
            String text = Files.readString(out);
            assertThat(text.contains("TRANSPORT NIO")).as("on NIO").isEqualTo(nio);
            String line = text.lines().filter(l -> l.startsWith("PORTS ")).findFirst().orElseThrow();
            ports = Arrays.stream(line.substring(6).split(" ")).mapToInt(Integer::parseInt).toArray();
        }

        String log() throws IOException {
            return Files.readString(err);
        }

        /** Whether the log has {@code line} as a whole line. */
        boolean logged(String line) throws IOException {
            return log().lines().anyMatch(line::equals);
        }

        /**
         * Runs {@code steps}, then checks that the child is alive and reported no leak; on failure,
         * prints its output.
         */
        void check(Steps steps) throws Exception {
            try {
                steps.run();
                assertThat(process.isAlive()).isTrue();
                assertThat(log()).doesNotContain("LEAK");
            } catch (AssertionError | RuntimeException e) {
                System.err.println("Ferry's output:\n" + Files.readString(out) + log());
                throw e;
            }
        }

        /** Closes the test's sockets, then the child's standard input, which stops it. */
        @Override
        public void close() throws IOException, InterruptedException {
            for (Socket s : sockets) {
                s.close();
            }
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * The tests' class path with Ferry's classes in a jar, as Ferry runs: out of descriptors, a JVM
     * still loads classes from a jar it holds open, but cannot open a class file in a directory.
     */
    private static String classPathWithJar(Path jar) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && Files.exists(p.resolve(Path.of("io", "ferry", "proxy", "Ferry.class")))) {
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                     Stream<Path> files = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        out.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
                e = jar.toString();
            }
            entries.add(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Sends a GET that closes its connection and reads the answer's status line and head. */
    private static String get(Socket s) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write("GET /status/200 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        o.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        while (in.readLine() != null) {
            // the rest of the answer, until Ferry closes
        }
        return status;
    }
}
