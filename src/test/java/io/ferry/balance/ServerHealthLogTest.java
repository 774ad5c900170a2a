package io.ferry.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.check.CheckResult;
import io.ferry.check.CheckSpec;
import io.ferry.check.CheckStatus;
import io.ferry.config.Balance;
import io.ferry.config.ServerOptions;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What follows a change of server state: observed errors ({@code observe}), streams closed
 * ({@code on-marked-down}, {@code on-marked-up}), and slow start, on an injected clock.
 */
class ServerHealthLogTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> cuts = new ArrayList<>();
    private final List<Long> scheduled = new ArrayList<>();
    private final List<Runnable> steps = new ArrayList<>();
    /** What the server being watched allowed when the queue was served. */
    private final List<String> dispatched = new ArrayList<>();
    private BackendServer watched;

    private final ServerEvents events = new ServerEvents() {
        @Override
        public int dispatchQueued() {
            if (watched != null) {
                dispatched.add("maxconn " + watched.maxconnNow());
            }
            return 0;
        }

        @Override
        public void cut(BackendServer server, Cut why) {
            cuts.add(server.name() + ":" + why);
        }

        @Override
        public void schedule(Runnable task, long delayMs) {
            scheduled.add(delayMs);
            steps.add(task);
        }
    };

    private static ServerOptions options(String observe, int errorLimit, ServerOptions.OnError onError, long slowstart,
                                         boolean downCut, boolean upCut) {
        ServerOptions d = ServerOptions.DEFAULTS;
        return new ServerOptions(d.weight(), false, false, 0, 0, true, d.inter(), 0, 0, 2, 3, 0, null, false, slowstart,
                observe == null ? ServerOptions.Observe.NONE : ServerOptions.Observe.valueOf(observe), errorLimit,
                onError, downCut, upCut, 0);
    }

    private BackendServer server(String name, int weight, boolean backup, int maxconn, ServerOptions o) {
        return new BackendServer("app", name, InetAddress.getLoopbackAddress(), 80, null, weight, backup,
                name.hashCode(), maxconn, 0, new ServerState(false, true, 2, 3, now::get), o);
    }

    private static final CheckResult FAILED = new CheckResult(CheckStatus.L4CON, -1, "Connection refused", 0);
    private static final CheckResult PASSED = new CheckResult(CheckStatus.L4OK, -1, null, 0);

    @Test
    void layer4ErrorsUpToTheLimitMarkTheServerDownWithHaproxysWords() {
        BackendServer a = server("a", 1, false, 0, options("LAYER4", 3, ServerOptions.OnError.MARK_DOWN, 0, false, false));
        BackendServer b = server("b", 1, false, 0, ServerOptions.DEFAULTS);
        ServerHealthLog log = new ServerHealthLog("app", List.of(a, b), Balancer.create(Balance.DEFAULT, List.of(a, b),
                false, now::get), events);
        a.observed(ObservedHealth.Event.L4_ERR);
        a.observed(ObservedHealth.Event.L4_ERR);
        // A success sets the count back: two more errors are not enough.
        a.observed(ObservedHealth.Event.L4_OK);
        a.observed(ObservedHealth.Event.L4_ERR);
        a.observed(ObservedHealth.Event.L4_ERR);
        assertThat(a.state().usable()).isTrue();
        assertThat(a.observedHealth().consecutiveErrors()).isEqualTo(2);
        // HTTP outcomes do not count in layer4 mode.
        a.observed(ObservedHealth.Event.HTTP_STS);
        assertThat(a.observedHealth().consecutiveErrors()).isEqualTo(2);
        a.observed(ObservedHealth.Event.L4_ERR);
        assertThat(a.state().status()).isEqualTo("DOWN");
        assertThat(a.state().lastCheck().status()).isEqualTo("HANA");
        assertThat(a.state().analyzeFailures()).isEqualTo(1);
        assertThat(a.observedHealth().consecutiveErrors()).isZero();
        assertThat(ServerHealthLog.phase(a)).isEqualTo(CheckSpec.Phase.DOWN);
        // b has no observe: nothing it reports counts.
        b.observed(ObservedHealth.Event.L4_ERR);
        assertThat(b.observedHealth()).isNull();
        assertThat(log.checked(a, PASSED)).isNull();
    }

    @Test
    void theLineLoggedIsHaproxys() {
        BackendServer a = server("a", 1, false, 0, options("LAYER7", 10, ServerOptions.OnError.MARK_DOWN, 0, false, false));
        ServerHealthLog log = new ServerHealthLog("app", List.of(a), Balancer.create(Balance.DEFAULT, List.of(a),
                false, now::get), events);
        assertThat(log.analyzed(a, ServerOptions.OnError.MARK_DOWN,
                "Detected 10 consecutive errors, last one was: Wrong http response"))
                .isEqualTo("Server app/a is DOWN, reason: Health analyze, info: \"Detected 10 consecutive errors, last "
                        + "one was: Wrong http response\". 0 active and 0 backup servers left. 0 sessions active, 0 "
                        + "requeued, 0 remaining in queue.");
    }

    @Test
    void layer7CountsServerErrorsExcept501And505AndIgnoresConnections() {
        BackendServer a = server("a", 1, false, 0, options("LAYER7", 2, ServerOptions.OnError.FAIL_CHECK, 0, false, false));
        new ServerHealthLog("app", List.of(a), Balancer.create(Balance.DEFAULT, List.of(a), false, now::get), events);
        a.state().checkPassed();
        assertThat(ObservedHealth.Event.ofStatus(500)).isEqualTo(ObservedHealth.Event.HTTP_STS);
        assertThat(ObservedHealth.Event.ofStatus(503)).isEqualTo(ObservedHealth.Event.HTTP_STS);
        assertThat(ObservedHealth.Event.ofStatus(501)).isEqualTo(ObservedHealth.Event.HTTP_OK);
        assertThat(ObservedHealth.Event.ofStatus(505)).isEqualTo(ObservedHealth.Event.HTTP_OK);
        assertThat(ObservedHealth.Event.ofStatus(404)).isEqualTo(ObservedHealth.Event.HTTP_OK);
        a.observed(ObservedHealth.Event.HTTP_STS);
        a.observed(ObservedHealth.Event.L4_OK);
        assertThat(a.observedHealth().consecutiveErrors()).as("a connection says nothing in layer7 mode").isEqualTo(1);
        a.observed(ObservedHealth.Event.HTTP_READ_TIMEOUT);
        // fail-check: one failed check, and fastinter from now on.
        assertThat(a.state().failedChecks()).isEqualTo(1);
        assertThat(a.state().status()).isEqualTo("UP 2/3");
        a.state().checkPassed();
        assertThat(a.state().status()).isEqualTo("UP");
        assertThat(ServerHealthLog.phase(a)).isEqualTo(CheckSpec.Phase.CHANGING);
    }

    @Test
    void onMarkedDownClosesTheServersStreamsAndOnMarkedUpTheBackups() {
        BackendServer a = server("a", 1, false, 0, options(null, 10, ServerOptions.OnError.FAIL_CHECK, 0, true, true));
        BackendServer x = server("x", 1, true, 0, ServerOptions.DEFAULTS);
        BackendServer y = server("y", 1, true, 0, ServerOptions.DEFAULTS);
        ServerHealthLog log = new ServerHealthLog("app", List.of(a, x, y),
                Balancer.create(Balance.DEFAULT, List.of(a, x, y), false, now::get), events);
        log.checked(a, FAILED);
        assertThat(cuts).containsExactly("a:SERVER_DOWN");
        log.checked(a, PASSED);
        assertThat(cuts).containsExactly("a:SERVER_DOWN");
        log.checked(a, PASSED);
        assertThat(cuts).containsExactly("a:SERVER_DOWN", "x:BACKUP_CUT", "y:BACKUP_CUT");
        // Maintenance counts as going down, leaving it (while up) as coming back.
        cuts.clear();
        log.adminChanged(a, a.state().admin(ServerState.Admin.MAINT));
        log.adminChanged(a, a.state().admin(ServerState.Admin.READY));
        assertThat(cuts).containsExactly("a:SERVER_DOWN", "x:BACKUP_CUT", "y:BACKUP_CUT");
    }

    @Test
    void onMarkedUpOfABackupOrAZeroWeightServerCutsNothing() {
        BackendServer x = server("x", 1, true, 0, options(null, 10, ServerOptions.OnError.FAIL_CHECK, 0, false, true));
        BackendServer z = server("z", 0, false, 0, options(null, 10, ServerOptions.OnError.FAIL_CHECK, 0, false, true));
        ServerHealthLog log = new ServerHealthLog("app", List.of(x, z),
                Balancer.create(Balance.DEFAULT, List.of(x, z), false, now::get), events);
        for (BackendServer s : List.of(x, z)) {
            log.checked(s, FAILED);
            log.checked(s, PASSED);
            log.checked(s, PASSED);
            assertThat(s.state().status()).isEqualTo("UP");
        }
        assertThat(cuts).isEmpty();
    }

    @Test
    void slowStartRampsTheWeightAndMaxconnFromASixteenthAsHaproxyDoes() {
        BackendServer a = server("a", 4, false, 100, options(null, 10, ServerOptions.OnError.FAIL_CHECK, 20_000, false,
                false));
        BackendServer b = server("b", 4, false, 0, ServerOptions.DEFAULTS);
        Balancer balancer = Balancer.create(Balance.DEFAULT, List.of(a, b), false, now::get);
        ServerHealthLog log = new ServerHealthLog("app", List.of(a, b), balancer, events);
        watched = a;
        assertThat(a.throttle()).as("no slow start at start-up").isEqualTo(-1);
        assertThat(a.currentWeight()).isEqualTo(4);
        log.checked(a, FAILED);
        log.checked(a, PASSED);
        log.checked(a, PASSED);
        assertThat(a.state().status()).isEqualTo("UP");
        // At once: 1/16 of the weight, throttle 6 % (HAProxy's rounding), maxconn 1.
        assertThat(a.ramping()).isTrue();
        assertThat(a.throttle()).isEqualTo(6);
        assertThat(a.currentWeight()).isEqualTo(1);
        assertThat(a.maxconnNow()).isEqualTo(1);
        assertThat(dispatched).as("waiting streams see the ramp from its start").containsExactly("maxconn 1");
        assertThat(picks(balancer, 1700)).containsEntry("a", 100).containsEntry("b", 1600);
        // Steps every max(1 s, slowstart / 20).
        assertThat(scheduled).containsExactly(1000L);

        now.addAndGet(10_000);
        steps.remove(0).run();
        // (16 × 10 + 20) / 20 = 9 sixteenths: 56 %; maxconn at 50 %.
        assertThat(a.throttle()).isEqualTo(56);
        assertThat(a.currentWeight()).isEqualTo(3);
        assertThat(a.maxconnNow()).isEqualTo(50);
        assertThat(picks(balancer, 2500)).containsEntry("a", 900).containsEntry("b", 1600);
        assertThat(scheduled).hasSize(2);

        now.addAndGet(10_000);
        steps.remove(0).run();
        assertThat(a.ramping()).isFalse();
        assertThat(a.throttle()).isEqualTo(-1);
        assertThat(a.currentWeight()).isEqualTo(4);
        assertThat(a.maxconnNow()).isEqualTo(100);
        assertThat(picks(balancer, 800)).containsEntry("a", 400).containsEntry("b", 400);
        assertThat(scheduled).as("no step after the ramp").hasSize(2);
    }

    @Test
    void aServerThatGoesDownWhileRampingStartsAgainFromTheBottom() {
        BackendServer a = server("a", 2, false, 0, options(null, 10, ServerOptions.OnError.FAIL_CHECK, 60_000, false,
                false));
        Balancer balancer = Balancer.create(Balance.DEFAULT, List.of(a), false, now::get);
        ServerHealthLog log = new ServerHealthLog("app", List.of(a), balancer, events);
        log.adminChanged(a, a.state().admin(ServerState.Admin.MAINT));
        log.adminChanged(a, a.state().admin(ServerState.Admin.READY));
        assertThat(a.throttle()).as("leaving maintenance starts a slow start").isEqualTo(6);
        assertThat(scheduled).containsExactly(3000L);
        now.addAndGet(30_000);
        steps.remove(0).run();
        assertThat(a.throttle()).isEqualTo(56);
        log.checked(a, FAILED);
        assertThat(a.ramping()).isFalse();
        log.checked(a, PASSED);
        log.checked(a, PASSED);
        assertThat(a.throttle()).isEqualTo(6);
    }

    @Test
    void staticAlgorithmsTakeTheFullWeightAtOnceButMaxconnStillRamps() {
        BackendServer a = server("a", 4, false, 10, options(null, 10, ServerOptions.OnError.FAIL_CHECK, 10_000, false,
                false));
        Balance staticRr = new Balance(Balance.Algorithm.STATIC_RR, "", 2, false, false, Balance.HashType.MAP_BASED,
                Balance.HashFunction.SDBM, false);
        Balancer balancer = Balancer.create(staticRr, List.of(a), false, now::get);
        ServerHealthLog log = new ServerHealthLog("app", List.of(a), balancer, events);
        log.adminChanged(a, a.state().admin(ServerState.Admin.MAINT));
        log.adminChanged(a, a.state().admin(ServerState.Admin.READY));
        assertThat(a.currentWeight()).isEqualTo(4);
        assertThat(a.throttle()).isEqualTo(100);
        assertThat(a.maxconnNow()).isEqualTo(1);
    }

    private static Map<String, Integer> picks(Balancer b, int n) {
        Map<String, Integer> m = new HashMap<>();
        BalanceKey key = () -> null;
        for (int i = 0; i < n; i++) {
            m.merge(b.pick(key, Set.of()).name(), 1, Integer::sum);
        }
        return m;
    }
}
