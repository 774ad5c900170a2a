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
 * has no socket for with a 503 logged {@code RC}; and serve again, connections that waited in the
 * backlog included, once connections close. It runs on the transport the machine offers and on Java
 * NIO, which Ferry uses where no native transport loads (its accept fails with the JDK's
 * {@code IOException}, not Netty's native one).
 */
class DescriptorExhaustionTest {

    /** The child's limit of open files: above what its JVM opens, far below its maxconn. */
    private static final int LIMIT = 160;
    /** Connections opened at once: more than the limit leaves room for. */
    private static final int CONNECTIONS = 200;
    /** Connections kept open, and used, once the others are closed. */
    private static final int KEPT = 40;

    @ParameterizedTest(name = "nio={0}")
    @ValueSource(booleans = {false, true})
    void aFerryOutOfDescriptorsSaysSoAnswers503AndServesAgainOnceConnectionsClose(boolean nio, @TempDir Path dir)
            throws Exception {
        try (TestOrigin origin = TestOrigin.start("o")) {
            Path cfg = dir.resolve("ferry.cfg");
            Files.writeString(cfg, """
                    global
                        maxconn 5000
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 30s
                        timeout server 30s
                        timeout http-request 30s
                    frontend web
                        bind 127.0.0.1:0
                        log stderr format raw local0
                        log-format "%%ST %%ts"
                        default_backend app
                    backend app
                        retries 0
                        server o1 %s
                    """.formatted(origin.address()));
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process ferry = new ProcessBuilder("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$@\"", "bash", java,
                    "-Xmx128m", "-Dio.netty.leakDetection.level=paranoid", "-Dferry.test.epoll=" + Configs.ON_EPOLL,
                    // Netty's native transports do not load: Ferry runs on Java NIO
                    "-Dio.netty.transport.noNative=" + nio,
                    "-cp", classPathWithJar(dir.resolve("ferry.jar")), StandaloneFerry.class.getName(), cfg.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            List<Socket> sockets = new ArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("TRANSPORT "));
                int port = Integer.parseInt(Files.readString(out).lines().findFirst().orElseThrow().substring(5));
                assertThat(Files.readString(out).contains("TRANSPORT NIO")).isEqualTo(nio);
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket();
                    // they all connect: those Ferry cannot accept wait in its listening socket's backlog
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    sockets.add(s);
                }
                await().atMost(Duration.ofSeconds(10)).alias("the log says accepting fails: " + err)
                        .until(() -> Files.readString(err).contains(
                        "cannot accept connections: the process has reached its limit of open files (" + LIMIT
                                + "); connections wait in the listening socket's backlog"));

                // The first connection was accepted; there is no descriptor left for its server.
                Socket first = sockets.remove(0);
                first.setSoTimeout(10_000);
                assertThat(get(first)).isEqualTo("HTTP/1.1 503 Service Unavailable");
                first.close();
                // the access log line is written by Ferry's log thread, maybe after the answer went out
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> Files.readString(err).lines().anyMatch("503 RC"::equals));
                String log = Files.readString(err);
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
                assertThat(ferry.isAlive()).isTrue();
                assertThat(Files.readString(err)).doesNotContain("LEAK");
            } catch (AssertionError | RuntimeException e) {
                System.err.println("Ferry's output:\n" + Files.readString(out) + Files.readString(err));
                throw e;
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
                ferry.getOutputStream().close();
                if (!ferry.waitFor(10, TimeUnit.SECONDS)) {
                    ferry.destroyForcibly();
                }
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
