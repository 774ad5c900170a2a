package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.balance.BackendServer;
import io.ferry.config.Proxy;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool keeps as many idle connections as its loop needed at once, as HAProxy's idle lists do. */
class ServerPoolTest {

    private final BackendServer server = new BackendServer("b", "s", InetAddress.getLoopbackAddress(), 1, 1,
            false, false, 1, 1, 0);
    private final EmbeddedChannel anchor = new EmbeddedChannel();
    private final ServerPool pool = new ServerPool(anchor.eventLoop());

    private ServerConnection open(int uses) {
        ServerConnection c = new ServerConnection(new EmbeddedChannel(), server);
        c.uses = uses;
        pool.opened(c);
        return c;
    }

    private List<ServerConnection> open(int n, int uses) {
        List<ServerConnection> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(open(uses));
        }
        return list;
    }

    @Test
    void connectionsUsedAtOnceMayAllStayIdle() {
        List<ServerConnection> busy = open(10, 1);
        for (ServerConnection c : busy) {
            assertThat(pool.park(c)).isTrue();
        }
        assertThat(pool.size()).isEqualTo(10);
        assertThat(pool.open(server)).isEqualTo(10);
    }

    @Test
    void beyondTheMostUsedAtOnceAConnectionIsClosedInsteadOfParked() {
        // Ten short client connections one after the other: one server connection in use at a time.
        int kept = 0;
        for (int i = 0; i < 10; i++) {
            ServerConnection c = open(1);
            if (pool.park(c)) {
                kept++;
            } else {
                assertThat(c.channel.isOpen()).isFalse();
            }
        }
        assertThat(kept).isEqualTo(1);
        assertThat(pool.size()).isEqualTo(1);
        assertThat(pool.open(server)).isEqualTo(1);
    }

    @Test
    void aSafeConnectionIsKeptWhenNoOtherSafeOneIsIdle() {
        assertThat(pool.park(open(1))).isTrue();
        assertThat(pool.park(open(1))).isFalse();
        ServerConnection safe = open(2);
        assertThat(pool.park(safe)).isTrue();
        assertThat(pool.park(open(2))).isFalse();
        // aggressive: a first request takes only the safe one
        assertThat(pool.take(server, Proxy.HttpReuse.AGGRESSIVE, true)).isSameAs(safe);
    }

    @Test
    void theNeedIsEstimatedFromTheMostUsedAtOnceAndDecaysByHalves() {
        open(8, 1).forEach(c -> c.channel.close());
        pool.estimate();
        // eight were used at once: now one at a time, eight may stay idle
        assertThat(parkedOfOneAtATime(10)).isEqualTo(8);
        // each estimate averages the need with the most used since (one): 8 -> 4 -> 2
        pool.estimate();
        assertThat(parkedOfOneAtATime(10)).isEqualTo(4);
        pool.estimate();
        assertThat(parkedOfOneAtATime(10)).isEqualTo(2);
    }

    /** Opens and parks {@code n} connections one after the other; returns how many stayed, and closes them. */
    private int parkedOfOneAtATime(int n) {
        List<ServerConnection> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerConnection c = open(1);
            if (pool.park(c)) {
                kept.add(c);
            }
        }
        kept.forEach(c -> c.channel.close());
        assertThat(pool.size()).isZero();
        return kept.size();
    }

    @Test
    void aConnectionThatClosesWhileIdleLeavesThePool() {
        ServerConnection c = open(1);
        pool.park(c);
        c.channel.close();
        assertThat(pool.size()).isZero();
        assertThat(pool.open(server)).isZero();
        assertThat(pool.take(server, Proxy.HttpReuse.ALWAYS, false)).isNull();
    }
}
