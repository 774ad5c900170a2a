package io.ferry.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Balance;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancerTest {

    private static BackendServer server(String name, int weight, boolean backup, boolean disabled) {
        return new BackendServer("b", name, InetAddress.getLoopbackAddress(), 8000, weight, backup, disabled,
                name.hashCode(), 0, 0);
    }

    private record Key(String uri, String param, String header, InetAddress source) implements BalanceKey {
        @Override
        public String uri(boolean whole, boolean pathOnly) {
            return uri;
        }

        @Override
        public String urlParam(String name) {
            return param;
        }

        @Override
        public String header(String name) {
            return header;
        }
    }

    private static final Key NONE = new Key("/", null, null, InetAddress.getLoopbackAddress());

    private static Map<String, Integer> count(Balancer b, int picks, BalanceKey key) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            m.merge(b.pick(key, Set.of()).name(), 1, Integer::sum);
        }
        return m;
    }

    @Test
    void roundRobinFollowsWeightsAndInterleaves() {
        List<BackendServer> s = List.of(server("a", 3, false, false), server("b", 1, false, false));
        Balancer b = Balancer.create(Balance.DEFAULT, s, false);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            order.add(b.pick(NONE, Set.of()).name());
        }
        assertThat(order).containsExactly("a", "a", "b", "a", "a", "a", "b", "a");
        assertThat(count(b, 400, NONE)).containsEntry("a", 300).containsEntry("b", 100);
    }

    @Test
    void disabledAndZeroWeightServersAreNeverPicked() {
        List<BackendServer> s = List.of(server("a", 1, false, true), server("b", 1, false, false),
                server("z", 0, false, false));
        assertThat(count(Balancer.create(Balance.DEFAULT, s, false), 10, NONE)).containsOnlyKeys("b");
    }

    @Test
    void backupsServeOnlyWhenNoActiveServerIsUsableFirstOneUnlessAllBackups() {
        List<BackendServer> s = List.of(server("a", 1, false, true), server("k1", 1, true, false),
                server("k2", 1, true, false));
        assertThat(count(Balancer.create(Balance.DEFAULT, s, false), 10, NONE)).containsOnlyKeys("k1");
        assertThat(count(Balancer.create(Balance.DEFAULT, s, true), 10, NONE)).containsOnlyKeys("k1", "k2");
        List<BackendServer> withActive = List.of(server("a", 1, false, false), server("k1", 1, true, false));
        assertThat(count(Balancer.create(Balance.DEFAULT, withActive, false), 10, NONE)).containsOnlyKeys("a");
    }

    @Test
    void excludedServersAreAvoidedWhenAnotherIsUsable() {
        BackendServer a = server("a", 1, false, false);
        BackendServer c = server("c", 1, false, false);
        Balancer b = Balancer.create(Balance.DEFAULT, List.of(a, c), false);
        for (int i = 0; i < 5; i++) {
            assertThat(b.pick(NONE, Set.of(a))).isSameAs(c);
        }
        assertThat(b.pick(NONE, Set.of(a, c))).isIn(a, c);
    }

    @Test
    void leastconnPicksTheLeastLoadedPerWeight() {
        BackendServer a = server("a", 1, false, false);
        BackendServer c = server("c", 2, false, false);
        Balancer b = Balancer.create(new Balance(Balance.Algorithm.LEASTCONN, "", 2, false, false, Balance.HashType.MAP_BASED, Balance.HashFunction.SDBM, false),
                List.of(a, c), false);
        a.acquire();
        c.acquire();
        assertThat(b.pick(NONE, Set.of())).isSameAs(c);
        c.acquire();
        c.acquire();
        assertThat(b.pick(NONE, Set.of())).isSameAs(a);
    }

    @Test
    void firstFillsServersInDeclarationOrder() {
        BackendServer a = server("a", 1, false, false);
        BackendServer c = server("c", 1, false, false);
        Balancer b = Balancer.create(new Balance(Balance.Algorithm.FIRST, "", 2, false, false, Balance.HashType.MAP_BASED, Balance.HashFunction.SDBM, false),
                List.of(a, c), false);
        assertThat(count(b, 5, NONE)).containsOnlyKeys("a");
        assertThat(b.pick(NONE, Set.of(a))).isSameAs(c);
    }

    @Test
    void hashesAreStableAndSpreadAndFallBackToRoundRobin() {
        List<BackendServer> s = List.of(server("a", 1, false, false), server("b", 1, false, false),
                server("c", 1, false, false));
        for (Balance.HashType type : Balance.HashType.values()) {
            Balancer b = Balancer.create(new Balance(Balance.Algorithm.URL_PARAM, "user", 2, false, false, type, Balance.HashFunction.SDBM, false), s, false);
            Map<String, String> first = new HashMap<>();
            Map<String, Integer> spread = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                Key k = new Key("/", "u" + i, null, null);
                String picked = b.pick(k, Set.of()).name();
                first.put("u" + i, picked);
                spread.merge(picked, 1, Integer::sum);
            }
            for (int i = 0; i < 300; i++) {
                assertThat(b.pick(new Key("/", "u" + i, null, null), Set.of()).name()).isEqualTo(first.get("u" + i));
            }
            assertThat(spread).as(type.name()).hasSize(3).allSatisfy((name, n) -> assertThat(n).isGreaterThan(40));
            assertThat(count(b, 30, NONE)).as("no parameter: round-robin").hasSize(3);
        }
    }

    @Test
    void consistentHashingMovesFewKeysWhenAServerIsAdded() {
        List<BackendServer> three = new ArrayList<>(List.of(server("a", 1, false, false),
                server("b", 1, false, false), server("c", 1, false, false)));
        Balance uri = new Balance(Balance.Algorithm.URI, "", 2, false, false, Balance.HashType.CONSISTENT, Balance.HashFunction.SDBM, false);
        Balancer before = Balancer.create(uri, three, false);
        three.add(server("d", 1, false, false));
        Balancer after = Balancer.create(uri, three, false);
        int moved = 0;
        for (int i = 0; i < 1000; i++) {
            Key k = new Key("/doc/" + i, null, null, null);
            String was = before.pick(k, Set.of()).name();
            String now = after.pick(k, Set.of()).name();
            if (!was.equals(now)) {
                assertThat(now).isEqualTo("d");
                moved++;
            }
        }
        assertThat(moved).isBetween(100, 450);
    }

    @Test
    void pickWithSlotSkipsFullServersAndTakesTheSlot() {
        BackendServer a = new BackendServer("b", "a", InetAddress.getLoopbackAddress(), 1, 1, false, false, 1, 1, 0);
        BackendServer c = new BackendServer("b", "c", InetAddress.getLoopbackAddress(), 1, 1, false, false, 2, 2, 0);
        Balancer b = Balancer.create(new Balance(Balance.Algorithm.FIRST, "", 2, false, false, Balance.HashType.MAP_BASED, Balance.HashFunction.SDBM, false),
                List.of(a, c), false);
        assertThat(b.pickWithSlot(NONE, Set.of())).isSameAs(a);
        assertThat(b.pickWithSlot(NONE, Set.of())).isSameAs(c);
        assertThat(b.pickWithSlot(NONE, Set.of())).isSameAs(c);
        assertThat(b.pickWithSlot(NONE, Set.of())).isNull();
        assertThat(a.connections() + c.connections()).isEqualTo(3);
        a.release();
        assertThat(b.pickWithSlot(NONE, Set.of())).isSameAs(a);
    }

    private static BackendServer checked(String name, boolean backup) {
        return new BackendServer("b", name, InetAddress.getLoopbackAddress(), 8000, 1, backup, name.hashCode(), 0, 0,
                new ServerState(false, true, 1, 1, System::currentTimeMillis));
    }

    @Test
    void serversThatGoDownAreSkippedAndBackupsTakeOverUntilAnActiveOneComesBack() {
        for (Balance.Algorithm algorithm : List.of(Balance.Algorithm.ROUNDROBIN, Balance.Algorithm.LEASTCONN,
                Balance.Algorithm.FIRST, Balance.Algorithm.RANDOM, Balance.Algorithm.SOURCE)) {
            BackendServer a = checked("a", false);
            BackendServer b = checked("b", false);
            BackendServer x = checked("x", true);
            BackendServer y = checked("y", true);
            Balance balance = new Balance(algorithm, "", 2, false, false, Balance.HashType.CONSISTENT,
                    Balance.HashFunction.SDBM, false);
            Balancer bal = Balancer.create(balance, List.of(a, b, x, y), false);
            a.state().checkFailed();
            assertThat(count(bal, 20, NONE)).as(algorithm.name()).containsOnlyKeys("b");
            b.state().admin(ServerState.Admin.DRAIN);
            assertThat(count(bal, 20, NONE)).as(algorithm.name()).containsOnlyKeys("x");
            x.state().admin(ServerState.Admin.MAINT);
            assertThat(count(bal, 20, NONE)).as(algorithm.name()).containsOnlyKeys("y");
            assertThat(bal.pick(NONE, Set.of(y))).as("an excluded server when it is the only one").isSameAs(y);
            y.state().checkFailed();
            assertThat(bal.hasServers()).isFalse();
            assertThat(bal.pick(NONE, Set.of())).isNull();
            assertThat(bal.pickWithSlot(NONE, Set.of())).isNull();
            a.state().checkPassed();
            assertThat(bal.hasServers()).isTrue();
            assertThat(count(bal, 20, NONE)).as(algorithm.name()).containsOnlyKeys("a");
        }
    }
}
