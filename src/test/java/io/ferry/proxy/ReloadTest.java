package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import io.ferry.testing.Configs;
import io.ferry.testing.TestOrigin;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link Ferry#reload}: listening sockets handed over, old streams finishing, failed reloads leaving all as it was. */
class ReloadTest extends FerryTestBase {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static io.ferry.config.Config config(String binds, TestOrigin origin) {
        return Configs.parse(Configs.HTTP_DEFAULTS + "frontend web\n" + binds + """
                    default_backend site
                backend site
                    server s1 %s
                """.formatted(origin.address()));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnchangedAddressKeepsItsSocketAndServesTheNewConfiguration() throws Exception {
        TestOrigin one = TestOrigin.start("one");
        TestOrigin two = TestOrigin.start("two");
        resources.add(one);
        resources.add(two);
        Ferry first = Ferry.start(config("    bind 127.0.0.1:0\n", one));
        ferry = first;
        int port = first.boundAddresses().get(0).getPort();
        CompletableFuture<HttpResponse<String>> slow = inFlight(port, one, 1500);

        ferry = first.reload(config("    bind 127.0.0.1:0\n", two));

        assertThat(ferry.boundAddresses()).containsExactly(new InetSocketAddress("127.0.0.1", port));
        HttpResponse<String> fresh = get(port, "/");
        assertThat(fresh.headers().firstValue("x-origin")).hasValue("two");
        // The stream of the old generation finishes under the old configuration, then the old one closes.
        HttpResponse<String> old = slow.get();
        assertThat(old.statusCode()).isEqualTo(200);
        assertThat(old.headers().firstValue("x-origin")).hasValue("one");
        assertThat(old.headers().firstValue("connection")).hasValue("close");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.openClientConnections() == 0);
        assertThat(get(port, "/").headers().firstValue("x-origin")).hasValue("two");
    }

    @Test
    void aChangedAddressIsBoundAndTheOldOneClosed() throws Exception {
        TestOrigin one = TestOrigin.start("one");
        resources.add(one);
        int oldPort;
        int newPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            oldPort = a.getLocalPort();
            newPort = b.getLocalPort();
        }
        ferry = Ferry.start(config("    bind 127.0.0.1:" + oldPort + "\n", one));

        ferry = ferry.reload(config("    bind 127.0.0.1:" + newPort + "\n", one));

        assertThat(get(newPort, "/").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(oldPort));
    }

    @Test
    void aReloadThatCannotBindLeavesTheRunningFerryAsItWas() throws Exception {
        TestOrigin one = TestOrigin.start("one");
        TestOrigin two = TestOrigin.start("two");
        resources.add(one);
        resources.add(two);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ferry = Ferry.start(config("    bind 127.0.0.1:0\n", one));
            int port = ferry.boundAddresses().get(0).getPort();

            assertThatThrownBy(() -> ferry.reload(config("    bind 127.0.0.1:0\n    bind 127.0.0.1:"
                    + taken.getLocalPort() + "\n", two)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind bind 127.0.0.1:" + taken.getLocalPort());

            assertThat(ferry.boundAddresses()).containsExactly(new InetSocketAddress("127.0.0.1", port));
            assertThat(get(port, "/").headers().firstValue("x-origin")).hasValue("one");
        }
    }

    @Test
    void aSoftStopOfTheNewGenerationEndsTheOlderOnesToo() throws Exception {
        TestOrigin one = TestOrigin.start("one");
        resources.add(one);
        Ferry first = Ferry.start(config("    bind 127.0.0.1:0\n", one));
        ferry = first;
        int port = first.boundAddresses().get(0).getPort();
        CompletableFuture<HttpResponse<String>> slow = inFlight(port, one, 1000);
        Ferry second = first.reload(config("    bind 127.0.0.1:0\n", one));
        ferry = second;

        second.softStop();

        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port));
        assertThat(slow.get().statusCode()).isEqualTo(200);
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                second.awaitClose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first.openClientConnections()).isZero();
    }

    /**
     * Reloads in a row while every generation still has a connection: stopping and waiting visit
     * each generation once, where following each generation's own predecessors took a pass for
     * every path through them (2^40 here).
     */
    @Test
    void manyReloadsInARowStopInOnePass() throws Exception {
        TestOrigin one = TestOrigin.start("one");
        resources.add(one);
        Ferry last = reloadedWithAConnectionEach(one, 40, new java.util.ArrayList<>());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            last.close();
            last.awaitClose();
        });
    }

    /**
     * Once its streams have ended, a replaced generation is kept only by the generation that
     * replaced it, and only until that one is replaced and closed in turn: reloads do not pile up
     * generations in memory.
     */
    @Test
    void aClosedGenerationIsNotKeptByTheNewerOnes() throws Exception {
        TestOrigin one = TestOrigin.start("one");
        resources.add(one);
        java.util.List<java.lang.ref.WeakReference<Ferry>> replaced = new java.util.ArrayList<>();
        Ferry last = reloadedWithAConnectionEach(one, 5, replaced);
        for (java.lang.ref.WeakReference<Ferry> r : replaced) {
            Ferry gen = r.get();
            assertTimeoutPreemptively(Duration.ofSeconds(10), gen::awaitClose);
        }
        // Replaced too, with no stream left, the last of them closes at once.
        ferry = last.reload(config("    bind 127.0.0.1:0\n", one));
        assertTimeoutPreemptively(Duration.ofSeconds(10), last::awaitClose);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return replaced.stream().allMatch(r -> r.get() == null);
        });
    }

    /**
     * A Ferry reloaded {@code times} times, each generation holding an idle client connection at
     * its replacement; the connections close at the end, and the generations they kept with them.
     * {@code replaced} gets a weak reference to each generation replaced.
     */
    private Ferry reloadedWithAConnectionEach(TestOrigin origin, int times,
                                              java.util.List<java.lang.ref.WeakReference<Ferry>> replaced)
            throws Exception {
        Ferry gen = Ferry.start(config("    bind 127.0.0.1:0\n", origin));
        ferry = gen;
        int port = gen.boundAddresses().get(0).getPort();
        java.util.List<Socket> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < times; i++) {
                idle.add(new Socket("127.0.0.1", port));
                Ferry current = gen;
                await().atMost(Duration.ofSeconds(10)).until(() -> current.openClientConnections() == 1);
                replaced.add(new java.lang.ref.WeakReference<>(gen));
                gen = gen.reload(config("    bind 127.0.0.1:0\n", origin));
                ferry = gen;
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        return gen;
    }

    /** A request the origin answers after {@code ms}, once the origin has it. */
    private CompletableFuture<HttpResponse<String>> inFlight(int port, TestOrigin origin, int ms) {
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/delay/" + ms)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() == 1);
        return f;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * The transport is chosen at start and kept: a reload that says {@code noiouring} gets a notice
     * that the process stays on io_uring, and one that adds an inherited listener ({@code fd@}),
     * which io_uring cannot take over, is refused and leaves the running generation as it was.
     */
    @Test
    void aReloadKeepsTheTransportTheProcessStartedOn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.ferry.net.Transport.IO_URING.isAvailable() && !Configs.ON_EPOLL,
                "io_uring is not available here, or the tests run on epoll");
        TestOrigin one = TestOrigin.start("one");
        resources.add(one);
        Ferry first = Ferry.start(config("    bind 127.0.0.1:0\n", one));
        ferry = first;
        assertThat(first.transport()).isEqualTo(io.ferry.net.Transport.IO_URING);

        assertThatThrownBy(() -> first.reload(config("    bind 127.0.0.1:0\n    bind fd@3\n", one)))
                .hasMessageContaining("'bind fd@3' (frontend web) is not implemented yet")
                .hasMessageContaining("in a process that runs on io_uring");
        int port = first.boundAddresses().get(0).getPort();
        assertThat(get(port, "/").statusCode()).isEqualTo(200);

        ferry = first.reload(Configs.parse("global\n    noiouring\n" + Configs.HTTP_DEFAULTS + """
                frontend web
                    bind 127.0.0.1:0
                    default_backend site
                backend site
                    server s1 %s
                """.formatted(one.address())));
        assertThat(ferry.transport()).isEqualTo(io.ferry.net.Transport.IO_URING);
        assertThat(ferry.notices()).contains("the reloaded configuration would run on epoll; this process keeps "
                + "io_uring until it is restarted");
    }

    /** Without io_uring's exclusions, a process starts on the best transport; with them, on epoll. */
    @Test
    void noiouringAndInheritedListenersChooseEpollAtStart() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Configs.ON_EPOLL, "the tests run on epoll");
        TestOrigin one = TestOrigin.start("one");
        resources.add(one);
        String backend = """
                backend site
                    server s1 %s
                """.formatted(one.address());
        io.ferry.net.Transport best = io.ferry.net.Transport.select();
        assertThat(RuntimeSupport.transportFor(config("    bind 127.0.0.1:0\n", one))).isEqualTo(best);
        io.ferry.net.Transport epollIfNative = best.isNative() ? io.ferry.net.Transport.EPOLL : best;
        assertThat(RuntimeSupport.transportFor(Configs.parse("global\n    noiouring\n" + Configs.HTTP_DEFAULTS
                + "frontend web\n    bind 127.0.0.1:0\n    default_backend site\n" + backend))).isEqualTo(epollIfNative);
        assertThat(RuntimeSupport.transportFor(config("    bind fd@3\n", one))).isEqualTo(epollIfNative);
        assertThat(RuntimeSupport.transportFor(Configs.parse("global\n    stats socket fd@4\n" + Configs.HTTP_DEFAULTS
                + "frontend web\n    bind 127.0.0.1:0\n    default_backend site\n" + backend))).isEqualTo(epollIfNative);
    }
}
