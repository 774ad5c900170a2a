package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.HttpErrors;
import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Server maxconn: streams beyond it wait in the backend's FIFO queue, bounded by maxqueue and timeout queue. */
class ServerQueueTest extends OriginFerryTestBase {

    private InetSocketAddress start(String backendLines, String serverOptions) {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                %s
                    server o1 %s maxconn 1 %s
                """.formatted(backendLines, origin.address(), serverOptions)));
        return ferry.boundAddresses().get(0);
    }

    private static RawClient send(InetSocketAddress addr, String path) throws Exception {
        RawClient c = new RawClient(addr);
        c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
        return c;
    }

    private void awaitQueued(int n) {
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.queued("app") == n);
    }

    @Test
    void streamsBeyondMaxconnWaitAndAreServedInArrivalOrder() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient a = send(addr, "/delay/1500?a")) {
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> origin.requests() == 1);
            try (RawClient b = send(addr, "/delay/50?b")) {
                awaitQueued(1);
                try (RawClient c = send(addr, "/delay/50?c")) {
                    awaitQueued(2);
                    assertThat(a.readUntil("o GET /delay/1500?a", 1)).startsWith("HTTP/1.1 200");
                    assertThat(b.readUntil("o GET /delay/50?b", 1)).startsWith("HTTP/1.1 200");
                    assertThat(c.readUntil("o GET /delay/50?c", 1)).startsWith("HTTP/1.1 200");
                }
            }
        }
        assertThat(origin.seen()).extracting(HttpRequest::uri)
                .containsExactly("/delay/1500?a", "/delay/50?b", "/delay/50?c");
        assertThat(origin.maxInFlight()).isEqualTo(1);
        assertThat(ferry.queued("app")).isZero();
    }

    @Test
    void queueTimeoutGives503WithinItsBound() throws Exception {
        InetSocketAddress addr = start("    timeout queue 300ms", "");
        try (RawClient a = send(addr, "/delay/3000")) {
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> origin.requests() == 1);
            long t0 = System.nanoTime();
            try (RawClient b = send(addr, "/b")) {
                assertThat(b.readUntil("</html>\n", 1)).startsWith("HTTP/1.1 503 Service Unavailable")
                        .endsWith(HttpErrors.body(503));
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(280L, 2000L);
            assertThat(ferry.queued("app")).isZero();
        }
    }

    @Test
    void aFullQueueGives503AtOnce() throws Exception {
        InetSocketAddress addr = start("", "maxqueue 1");
        try (RawClient a = send(addr, "/delay/1000?a")) {
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> origin.requests() == 1);
            try (RawClient b = send(addr, "/delay/10?b")) {
                awaitQueued(1);
                long t0 = System.nanoTime();
                try (RawClient c = send(addr, "/c")) {
                    assertThat(c.readUntil("</html>\n", 1)).startsWith("HTTP/1.1 503");
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(800L);
                assertThat(b.readUntil("o GET /delay/10?b", 1)).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void aQueuedRequestWhoseClientClosedIsStillForwardedAsWithoutAbortonclose() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient a = send(addr, "/delay/1500?a")) {
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> origin.requests() == 1);
            RawClient gone = send(addr, "/gone");
            awaitQueued(1);
            gone.close();
            try (RawClient c = send(addr, "/delay/1?c")) {
                awaitQueued(2);
                assertThat(a.readUntil("o GET /delay/1500?a", 1)).startsWith("HTTP/1.1 200");
                assertThat(c.readUntil("o GET /delay/1?c", 1)).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(origin.seen()).extracting(HttpRequest::uri).containsExactly("/delay/1500?a", "/gone", "/delay/1?c");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
    }

    @Test
    void withAbortOnCloseAQueuedRequestWhoseClientClosedIsDropped() throws Exception {
        InetSocketAddress addr = start("    option abortonclose", "");
        try (RawClient a = send(addr, "/delay/1500?a")) {
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> origin.requests() == 1);
            try (RawClient b = send(addr, "/delay/50?b")) {
                awaitQueued(1);
                b.shutdownOutput();
                assertThat(b.readAll()).as("dropped without an answer").isEmpty();
                // The stream leaves the queue when its close is handled, just after the FIN the client read.
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> ferry.queued("app") == 0);
            }
            assertThat(a.readUntil("o GET /delay/1500?a", 1)).startsWith("HTTP/1.1 200");
        }
        assertThat(origin.seen()).extracting(HttpRequest::uri).containsExactly("/delay/1500?a");
    }

    @Test
    void withoutAbortOnCloseAQueuedRequestWhoseClientHalfClosedIsServed() throws Exception {
        InetSocketAddress addr = start("", "");
        try (RawClient a = send(addr, "/delay/500?a")) {
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> origin.requests() == 1);
            try (RawClient b = send(addr, "/delay/50?b")) {
                awaitQueued(1);
                b.shutdownOutput();
                assertThat(b.readAll()).startsWith("HTTP/1.1 200");
            }
        }
        assertThat(origin.seen()).extracting(HttpRequest::uri).containsExactly("/delay/500?a", "/delay/50?b");
    }
}
