package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import io.ferry.testing.TestOrigin;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** maxconn in global, frontend and bind: stop accepting at the limit, resume below it. */
class ConnectionLimitsTest {

    /** A frontend in front of {@code origin} with {@code maxconn max} in {@code where}: global, frontend or bind. */
    private static String config(String where, int max, TestOrigin origin) {
        String limit = "maxconn " + max;
        return (where.equals("global") ? "global\n    " + limit + "\n" : "") + Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0 %s
                    %s
                    default_backend app
                backend app
                    server o1 %s
                """.formatted(where.equals("bind") ? limit : "", where.equals("frontend") ? limit : "",
                origin.address());
    }

    @ParameterizedTest
    @ValueSource(strings = {"global", "frontend", "bind"})
    void acceptingStopsAtTheLimitAndResumesBelowIt(String where) throws Exception {
        try (TestOrigin origin = TestOrigin.start("o")) {
            try (Ferry ferry = Ferry.start(Configs.parse(config(where, 2, origin)))) {
                InetSocketAddress addr = ferry.boundAddresses().get(0);
                RawClient first = new RawClient(addr);
                RawClient second = new RawClient(addr);
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ferry.openClientConnections() == 2);
                try (RawClient third = new RawClient(addr)) {
                    // The kernel completes the handshake, but Ferry does not accept it while at the limit.
                    third.send("GET /third HTTP/1.1\r\nHost: t\r\n\r\n");
                    Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                            .until(() -> ferry.openClientConnections() == 2);
                    first.close();
                    assertThat(third.readUntil("o GET /third", 1)).startsWith("HTTP/1.1 200");
                    second.send("GET /second HTTP/1.1\r\nHost: t\r\n\r\n");
                    assertThat(second.readUntil("o GET /second", 1)).startsWith("HTTP/1.1 200");
                } finally {
                    second.close();
                }
            }
        }
    }

    /** Connections are accepted in batches; a burst waiting in the backlog still stops at the limit. */
    @ParameterizedTest
    @ValueSource(strings = {"global", "frontend", "bind"})
    void aBurstOfWaitingConnectionsIsAcceptedOnlyUpToTheLimit(String where) throws Exception {
        try (TestOrigin origin = TestOrigin.start("o")) {
            try (Ferry ferry = Ferry.start(Configs.parse(config(where, 3, origin)))) {
                InetSocketAddress addr = ferry.boundAddresses().get(0);
                java.util.List<RawClient> burst = new java.util.ArrayList<>();
                try {
                    for (int i = 0; i < 12; i++) {
                        burst.add(new RawClient(addr));
                    }
                    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ferry.openClientConnections() == 3);
                    Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                            .until(() -> ferry.openClientConnections() == 3);
                } finally {
                    for (RawClient c : burst) {
                        c.close();
                    }
                }
            }
        }
    }

    /**
     * A limit two listeners share: once the connections of one reach it, a connection to the other
     * waits and is not counted (in the backlog, or, on io_uring, held unread by Ferry, whose accept
     * was already with the kernel). It is served when a slot frees, and closed when the listener
     * closes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"global", "frontend"})
    void aConnectionToAnotherListenerOfASharedLimitWaitsForAFreeSlot(String where) throws Exception {
        try (TestOrigin origin = TestOrigin.start("o")) {
            String limit = "maxconn 2";
            // One socket per bind, so that the connections waiting on bind 2 are taken in the order
            // they came (the kernel's backlog); with a socket per loop, each socket has its own.
            String cfg = "global\n    noreuseport\n" + (where.equals("global") ? "    " + limit + "\n" : "")
                    + Configs.HTTP_DEFAULTS + """
                    frontend www
                        bind 127.0.0.1:0
                        bind 127.0.0.1:0
                        %s
                        default_backend app
                    backend app
                        server o1 %s
                    """.formatted(where.equals("frontend") ? limit : "", origin.address());
            Ferry ferry = Ferry.start(Configs.parse(cfg));
            try (RawClient second = new RawClient(ferry.boundAddresses().get(0));
                 RawClient third = new RawClient(ferry.boundAddresses().get(1));
                 RawClient fourth = new RawClient(ferry.boundAddresses().get(1))) {
                try (RawClient first = new RawClient(ferry.boundAddresses().get(0))) {
                    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ferry.openClientConnections() >= 2);
                    third.send("GET /third HTTP/1.1\r\nHost: t\r\n\r\n");
                    Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                            .until(() -> ferry.openClientConnections() == 2);
                }
                assertThat(third.readUntil("o GET /third", 1)).startsWith("HTTP/1.1 200");
                fourth.send("GET /fourth HTTP/1.1\r\nHost: t\r\n\r\n");
                Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                        .until(() -> ferry.openClientConnections() == 2);
                ferry.close();
                assertThat(fourth.closedByPeerAfterDraining()).isTrue();
            } finally {
                ferry.close();
            }
        }
    }
}
