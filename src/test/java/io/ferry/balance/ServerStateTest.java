package io.ferry.balance;

import static org.assertj.core.api.Assertions.assertThat;

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
                ServerState.Admin.READY));
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
    void markDownIsImmediate() {
        ServerState s = state(2, 3);
        s.checkPassed();
        assertThat(s.markDown().to()).isEqualTo(ServerState.Operational.DOWN);
        assertThat(s.markDown()).isNull();
        assertThat(s.status()).isEqualTo("DOWN");
    }
}
