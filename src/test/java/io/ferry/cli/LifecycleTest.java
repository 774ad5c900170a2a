package io.ferry.cli;

import static io.ferry.cli.InProcess.FIXTURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.testing.TestOrigin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ferry's process lifecycle seen from outside: soft stop, hard-stop-after, reload, inherited listeners. */
class LifecycleTest {

    private static final Duration START = Duration.ofSeconds(60);

    static String config(String global, int port, TestOrigin origin) {
        return config(global, "127.0.0.1:" + port, origin);
    }

    static String config(String global, String bind, TestOrigin origin) {
        return "global\n" + global
                + """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client  30s
                    timeout server  30s
                frontend web
                    bind %s
                    default_backend site
                backend site
                    server s1 %s
                """.formatted(bind, origin.address());
    }

    @Test
    void softStopLetsTheRequestInFlightFinishThenExitsZero(@TempDir Path dir) throws Exception {
        int port = freePort();
        try (TestOrigin origin = TestOrigin.start("slow")) {
            Path cfg = Files.writeString(dir.resolve("ferry.cfg"), config("", port, origin));
            try (FerryProcess p = started(cfg)) {
                HttpClient client = HttpClient.newHttpClient();
                CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/delay/2000")).build(),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(30)).until(() -> origin.requests() == 1);

                p.signal("USR1");
                await().atMost(Duration.ofSeconds(30)).until(() -> !accepts(port));
                assertThat(slow).isNotDone();
                assertThat(p.isAlive()).isTrue();

                HttpResponse<String> response = slow.get();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("slow GET /delay/2000");
                assertThat(response.headers().firstValue("connection")).hasValue("close");
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
            }
        }
    }

    @Test
    void hardStopAfterBoundsASoftStop(@TempDir Path dir) throws Exception {
        int port = freePort();
        try (TestOrigin origin = TestOrigin.start("stuck")) {
            Path cfg = Files.writeString(dir.resolve("ferry.cfg"), config("    hard-stop-after 1s\n", port, origin));
            try (FerryProcess p = started(cfg)) {
                CompletableFuture<HttpResponse<String>> stuck = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/delay/600000")).build(),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(30)).until(() -> origin.requests() == 1);

                p.signal("USR1");
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
                assertThat(p.err()).contains("hard-stop-after 1s reached: closing the 1 connection(s) still open");
                await().atMost(Duration.ofSeconds(30)).until(stuck::isDone);
                assertThat(stuck).isCompletedExceptionally();
            }
        }
    }

    @Test
    void softStopWithNothingInFlightExitsZeroAtOnce(@TempDir Path dir) throws Exception {
        int port = freePort();
        try (TestOrigin origin = TestOrigin.start("idle")) {
            Path cfg = Files.writeString(dir.resolve("ferry.cfg"), config("", port, origin));
            try (FerryProcess p = started(cfg)) {
                // A kept-alive connection left idle is closed by the soft stop, not waited for.
                HttpClient client = HttpClient.newHttpClient();
                HttpResponse<String> first = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(first.statusCode()).isEqualTo(200);

                p.signal("USR1");
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
            }
        }
    }

    /**
     * Twenty client connections send keep-alive GETs without pause while the configuration is
     * reloaded four times, once from a broken file: not one request may fail or get anything but
     * 2xx, and the last configuration must be the one serving at the end.
     */
    @Test
    void reloadsUnderLoadLoseNothingAndABrokenFileKeepsTheRunningConfiguration(@TempDir Path dir) throws Exception {
        int port = freePort();
        try (TestOrigin one = TestOrigin.start("one"); TestOrigin two = TestOrigin.start("two");
             TestOrigin three = TestOrigin.start("three")) {
            Path cfg = Files.writeString(dir.resolve("ferry.cfg"), config("", port, one));
            try (FerryProcess p = started(cfg); SteadyLoad load = new SteadyLoad(port, 20)) {
                load.awaitResponses(200);

                Files.writeString(cfg, config("", port, two));
                reloadAndAwait(p, "HUP", load, "two", 1);

                Files.writeString(cfg, config("", port, two) + "    bogus-keyword here\n");
                p.signal("USR2");
                await().atMost(Duration.ofSeconds(60)).until(() -> p.err().contains("Reload failed"));
                assertThat(p.err()).contains("ferry.cfg:12]").contains("bogus-keyword")
                        .contains("Reload failed: the configuration is not valid; still serving the previous configuration.");
                load.awaitResponses(load.responses() + 200);
                assertThat(load.lastOrigin()).isEqualTo("two");

                Files.writeString(cfg, config("", port, three));
                reloadAndAwait(p, "USR2", load, "three", 2);

                Files.writeString(cfg, config("", port, one));
                reloadAndAwait(p, "HUP", load, "one", 3);

                load.stop();
                assertThat(load.failures()).as("failed requests: %s", load.failureSample()).isEmpty();
                assertThat(load.non2xx()).isZero();
                assertThat(load.responses()).isGreaterThan(800);
                assertThat(load.lastOrigin()).isEqualTo("one");

                p.signal("TERM");
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
            }
        }
    }

    /** A listening socket opened by Ferry's parent process, named by a variable, survives a reload too. */
    @Test
    void anInheritedDescriptorIsAListenerThatAReloadKeeps(@TempDir Path dir) throws Exception {
        try (TestOrigin one = TestOrigin.start("one"); TestOrigin two = TestOrigin.start("two")) {
            Path cfg = Files.writeString(dir.resolve("ferry.cfg"), inherited("fd@${FE_WEB}", one));
            try (FerryProcess p = startedWithSocket(cfg, "7", "FE_WEB")) {
                int port = listeningPort(p);
                assertThat(get(port).headers().firstValue("x-origin")).hasValue("one");

                Files.writeString(cfg, inherited("fd@${FE_WEB}", two));
                p.signal("HUP");
                await().atMost(Duration.ofSeconds(60)).until(() -> p.err().contains("Reload success"));
                assertThat(get(port).headers().firstValue("x-origin")).hasValue("two");

                p.signal("INT");
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
            }
        }
    }

    /** systemd's socket activation: LISTEN_FDS and LISTEN_FDNAMES name descriptor 3 'web'. */
    @Test
    void aSocketHandedOverTheSystemdWayIsFoundByName(@TempDir Path dir) throws Exception {
        try (TestOrigin one = TestOrigin.start("one")) {
            Path cfg = Files.writeString(dir.resolve("ferry.cfg"), inherited("fd@${web}", one));
            try (FerryProcess p = startedWithSocket(cfg, "3", "systemd")) {
                assertThat(get(listeningPort(p)).statusCode()).isEqualTo(200);
            }
        }
    }

    /** {@code stats socket "fd@${ADMIN}"}: the runtime API on a TCP socket and on a unix socket its parent opened. */
    @Test
    void aStatsSocketCanBeAnInheritedDescriptor(@TempDir Path dir) throws Exception {
        String text = """
                global
                    stats socket "fd@${ADMIN}" level admin
                defaults
                    mode http
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                listen www
                    bind 127.0.0.1:0
                    server s1 127.0.0.1:9
                """;
        Path cfg = Files.writeString(dir.resolve("ferry.cfg"), text);
        try (FerryProcess p = startedWithSocket(cfg, "7", "ADMIN")) {
            try (Socket s = new Socket("127.0.0.1", listeningPort(p))) {
                s.getOutputStream().write("show servers state www\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains(" www 1 s1 127.0.0.1 ");
            }
        }
        Path sock = dir.resolve("admin.sock");
        FerryProcess p = FerryProcess.start(Map.of("LISTEN_UNIX", sock.toString()),
                List.of("python3", FIXTURES + "listen-then-exec.py", "8", "ADMIN"), "-d", "-f", cfg.toString());
        try (p) {
            await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));
            assertThat(p.isAlive()).as("ferry started; it said:%n%s", p.err()).isTrue();
            try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(sock))) {
                c.write(java.nio.ByteBuffer.wrap("show info\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                String answer = new String(readAll(c),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).contains("Name: Ferry\n");
            }
        }
    }

    private static byte[] readAll(java.nio.channels.SocketChannel c) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
        while (c.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }

    private static String inherited(String address, TestOrigin origin) {
        return config("", '"' + address + '"', origin);
    }

    private static FerryProcess startedWithSocket(Path cfg, String fd, String variable) throws IOException {
        FerryProcess p = FerryProcess.start(Map.of(), List.of("python3", FIXTURES + "listen-then-exec.py", fd, variable),
                "-d", "-f", cfg.toString());
        await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));
        assertThat(p.isAlive()).as("ferry started; it said:%n%s", p.err()).isTrue();
        return p;
    }

    private static int listeningPort(FerryProcess p) {
        Matcher m = Pattern.compile("LISTENING (\\d+)").matcher(p.out());
        assertThat(m.find()).as("the launcher's port in %s", p.out()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void reloadAndAwait(FerryProcess p, String signal, SteadyLoad load, String origin, int successes)
            throws Exception {
        p.signal(signal);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(p.err(), "Reload success") == successes);
        // Old connections finish their transaction and close; their clients come back to the new listeners.
        await().atMost(Duration.ofSeconds(60)).until(() -> origin.equals(load.lastOrigin()));
        load.awaitResponses(load.responses() + 200);
        assertThat(load.lastOrigin()).isEqualTo(origin);
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }

    static FerryProcess started(Path cfg, String... extra) throws IOException {
        String[] args = new String[extra.length + 3];
        args[0] = "-d";
        args[1] = "-f";
        args[2] = cfg.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        FerryProcess p = FerryProcess.start(Map.of(), args);
        await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));
        assertThat(p.isAlive()).as("ferry started; it said:%n%s", p.err()).isTrue();
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
