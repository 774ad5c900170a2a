package io.ferry.cli;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ferry's process lifecycle seen from outside: soft stop, hard-stop-after, reload, inherited listeners. */
class LifecycleTest {

    private static final Duration START = Duration.ofSeconds(60);

    static String config(String global, int port, TestOrigin origin) {
        return "global\n" + global
                + """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client  30s
                    timeout server  30s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend site
                backend site
                    server s1 %s
                """.formatted(port, origin.address());
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
