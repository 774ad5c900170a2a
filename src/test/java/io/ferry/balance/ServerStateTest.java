package io.ferry.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.ServerOptions;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServerStateTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private ServerState state(int rise, int fall) {
        return new ServerState(false, true, rise, fall, now::get);
    }

    @Test
    void startsUpAndOneFailureAtStartMarksItDown() {
        ServerState s = state(2, 3);
        assertThat(s.usable()).isTrue();
        assertThat(s.status()).isEqualTo("UP 1/3");
        ServerState.Change c = s.checkFailed();
        assertThat(c).isEqualTo(new ServerState.Change(ServerState.Operational.UP, ServerState.Operational.DOWN,
                ServerState.Admin.READY, ServerState.Admin.READY));
        assertThat(c.markedDown()).isTrue();
        assertThat(c.wasUsable()).isTrue();
        assertThat(s.usable()).isFalse();
        assertThat(s.status()).isEqualTo("DOWN");
        assertThat(s.downTransitions()).isEqualTo(1);
        assertThat(s.failedChecks()).isEqualTo(1);
    }

    @Test
    void fallFailuresInARowTakeAHealthyServerDownWithTransitionalStrings() {
        ServerState s = state(2, 3);
        assertThat(s.checkPassed()).isNull();
        assertThat(s.status()).isEqualTo("UP");
        assertThat(s.checkFailed()).isNull();
        assertThat(s.status()).isEqualTo("UP 2/3");
        assertThat(s.transitional()).isTrue();
        assertThat(s.checkFailed()).isNull();
        assertThat(s.status()).isEqualTo("UP 1/3");
        assertThat(s.usable()).isTrue();
        assertThat(s.checkFailed().to()).isEqualTo(ServerState.Operational.DOWN);
        assertThat(s.status()).isEqualTo("DOWN");
        assertThat(s.failedChecks()).isEqualTo(3);
        assertThat(s.checkFailed()).isNull();
        assertThat(s.failedChecks()).isEqualTo(3);
    }

    @Test
    void riseSuccessesBringItBackAndASuccessResetsTheFailures() {
        ServerState s = state(2, 3);
        s.checkFailed();
        assertThat(s.checkPassed()).isNull();
        assertThat(s.status()).isEqualTo("DOWN 1/2");
        assertThat(s.usable()).isFalse();
        assertThat(s.checkPassed().to()).isEqualTo(ServerState.Operational.UP);
        assertThat(s.status()).isEqualTo("UP");
        s.checkFailed();
        s.checkFailed();
        assertThat(s.status()).isEqualTo("UP 1/3");
        assertThat(s.checkPassed()).isNull();
        assertThat(s.status()).as("a success while up clears the failures, as in HAProxy").isEqualTo("UP");
    }

    @Test
    void downtimeAndLastChangeFollowTheClock() {
        ServerState s = state(1, 1);
        now.addAndGet(5_000);
        assertThat(s.lastChangeSeconds()).isEqualTo(5);
        s.checkFailed();
        now.addAndGet(7_000);
        assertThat(s.downtimeSeconds()).isEqualTo(7);
        s.checkPassed();
        now.addAndGet(3_000);
        assertThat(s.downtimeSeconds()).isEqualTo(7);
        assertThat(s.lastChangeSeconds()).isEqualTo(3);
    }

    @Test
    void adminStatesAndNolbAreNotUsable() {
        ServerState s = state(2, 3);
        s.checkPassed();
        s.admin(ServerState.Admin.DRAIN);
        assertThat(s.usable()).isFalse();
        assertThat(s.status()).isEqualTo("DRAIN");
        s.admin(ServerState.Admin.MAINT);
        assertThat(s.status()).isEqualTo("MAINT");
        assertThat(s.admin(ServerState.Admin.MAINT)).isNull();
        s.admin(ServerState.Admin.READY);
        assertThat(s.usable()).isTrue();
        s.noLoadBalancing(true);
        assertThat(s.usable()).isFalse();
        assertThat(s.status()).isEqualTo("NOLB");
        assertThat(s.up()).isTrue();
        s.noLoadBalancing(false);
        assertThat(s.status()).isEqualTo("UP");
        assertThat(new ServerState(true, true, 2, 3, now::get).status()).isEqualTo("MAINT");
        assertThat(ServerState.unchecked(false).status()).isEqualTo("no check");
    }

    @Test
    void onErrorMarkDownIsImmediateAndCountsAFailedCheck() {
        ServerState s = state(2, 3);
        s.checkPassed();
        assertThat(s.status()).isEqualTo("UP");
        assertThat(s.analyzeFailed(ServerOptions.OnError.MARK_DOWN).to()).isEqualTo(ServerState.Operational.DOWN);
        assertThat(s.status()).isEqualTo("DOWN");
        assertThat(s.failedChecks()).isEqualTo(1);
        assertThat(s.downTransitions()).isEqualTo(1);
        assertThat(s.analyzeFailures()).isEqualTo(1);
        // Already DOWN: HAProxy still counts the failed check, and nothing changes.
        assertThat(s.analyzeFailed(ServerOptions.OnError.MARK_DOWN)).isNull();
        assertThat(s.failedChecks()).isEqualTo(2);
        assertThat(s.fastinterForced()).isTrue();
    }

    @Test
    void onErrorFailCheckIsOneFailedCheck() {
        ServerState s = state(2, 3);
        s.checkPassed();
        assertThat(s.analyzeFailed(ServerOptions.OnError.FAIL_CHECK)).isNull();
        assertThat(s.status()).isEqualTo("UP 2/3");
        assertThat(s.failedChecks()).isEqualTo(1);
    }

    @Test
    void onErrorSuddenDeathLeavesOneFailureBeforeDown() {
        ServerState s = state(2, 5);
        s.checkPassed();
        assertThat(s.status()).isEqualTo("UP");
        assertThat(s.analyzeFailed(ServerOptions.OnError.SUDDEN_DEATH)).isNull();
        // The counter went from 6 to rise + 1 = 3, then one failure: 2, the lowest UP value.
        assertThat(s.health()).isEqualTo(2);
        assertThat(s.status()).isEqualTo("UP 1/5");
        assertThat(s.checkFailed().to()).isEqualTo(ServerState.Operational.DOWN);
    }

    @Test
    void onErrorFastinterOnlyForcesFastinter() {
        ServerState s = state(2, 3);
        s.checkPassed();
        assertThat(s.fastinterForced()).isFalse();
        assertThat(s.analyzeFailed(ServerOptions.OnError.FASTINTER)).isNull();
        assertThat(s.status()).isEqualTo("UP");
        assertThat(s.failedChecks()).isZero();
        assertThat(s.analyzeFailures()).isEqualTo(1);
        assertThat(s.fastinterForced()).isTrue();
    }

    @Test
    void leavingMaintenanceWhileUpIsAComeBack() {
        ServerState s = state(2, 3);
        ServerState.Change in = s.admin(ServerState.Admin.MAINT);
        assertThat(in.markedDown()).isTrue();
        assertThat(in.cameBack()).isFalse();
        ServerState.Change out = s.admin(ServerState.Admin.READY);
        assertThat(out.cameBack()).isTrue();
        assertThat(out.markedDown()).isFalse();
        s.admin(ServerState.Admin.DRAIN);
        assertThat(s.admin(ServerState.Admin.READY).cameBack()).as("drain is not a comeback").isFalse();
    }
}
