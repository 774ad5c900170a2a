package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.proxy.Deadlines.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    /** A clock the test moves, and a scheduler that records what was armed and runs it when time passes. */
    private static final class FakeTime implements Deadlines.Clock, Deadlines.Scheduler {
        long now = 1_000_000_000L;
        final List<long[]> armed = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        int cancelled;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Deadlines.Cancellable schedule(Runnable task, long delayNanos) {
            long[] entry = {now + delayNanos, 1};
            armed.add(entry);
            tasks.add(task);
            return () -> {
                if (entry[1] == 1) {
                    entry[1] = 0;
                    cancelled++;
                }
            };
        }

        /** Moves the clock, running every armed task whose time came, in order. */
        void advanceMs(long ms) {
            now += TimeUnit.MILLISECONDS.toNanos(ms);
            boolean ran = true;
            while (ran) {
                ran = false;
                for (int i = 0; i < armed.size(); i++) {
                    long[] e = armed.get(i);
                    if (e[1] == 1 && e[0] <= now) {
                        e[1] = 0;
                        tasks.get(i).run();
                        ran = true;
                    }
                }
            }
        }

        long live() {
            return armed.stream().filter(e -> e[1] == 1).count();
        }
    }

    private final FakeTime time = new FakeTime();
    private final List<Deadline> fired = new ArrayList<>();
    private final Deadlines deadlines = new Deadlines(time, time, fired::add);

    @Test
    void absoluteDeadlineFiresOnceAtItsTimeWhateverTheActivity() {
        deadlines.start(Deadline.HTTP_REQUEST, 5000);
        time.advanceMs(4999);
        deadlines.touch(Deadline.HTTP_REQUEST);
        assertThat(fired).isEmpty();
        time.advanceMs(1);
        assertThat(fired).containsExactly(Deadline.HTTP_REQUEST);
        assertThat(deadlines.isSet(Deadline.HTTP_REQUEST)).isFalse();
    }

    @Test
    void clearAllForgetsEveryDeadlineAndWhatIsSetAfterStillFires() {
        deadlines.startIdle(Deadline.CLIENT, 1000);
        deadlines.startIdle(Deadline.SERVER, 2000);
        deadlines.clearAll();
        assertThat(deadlines.anySet()).isFalse();
        deadlines.startIdle(Deadline.CLIENT_FIN, 3000);
        deadlines.touch(Deadline.CLIENT_FIN);
        time.advanceMs(2999);
        assertThat(fired).as("the timer armed for the cleared deadline wakes for nothing").isEmpty();
        time.advanceMs(1);
        assertThat(fired).containsExactly(Deadline.CLIENT_FIN);
        assertThat(time.live()).isZero();
    }

    @Test
    void anIdleDeadlineStartedSinceEarlierActivityPassesSoonerThenMovesByItsWholeTimeout() {
        deadlines.startIdleSince(Deadline.CLIENT, 1000, 300);
        time.advanceMs(699);
        assertThat(fired).isEmpty();
        time.advanceMs(1);
        assertThat(fired).containsExactly(Deadline.CLIENT);
        fired.clear();
        deadlines.startIdleSince(Deadline.CLIENT, 1000, 300);
        time.advanceMs(500);
        deadlines.touch(Deadline.CLIENT);
        time.advanceMs(999);
        assertThat(fired).as("a touch moves it by the whole timeout").isEmpty();
        time.advanceMs(1);
        assertThat(fired).containsExactly(Deadline.CLIENT);
    }

    @Test
    void touchingMovesAnIdleDeadlineWithoutReschedulingTheTimer() {
        deadlines.startIdle(Deadline.CLIENT, 1000);
        for (int i = 0; i < 100; i++) {
            time.advanceMs(500);
            deadlines.touch(Deadline.CLIENT);
        }
        assertThat(fired).isEmpty();
        // One timer at a time: each early wake-up re-armed once for the remainder; no cancel per touch.
        assertThat(time.cancelled).isZero();
        assertThat(time.live()).isEqualTo(1);
        time.advanceMs(1000);
        assertThat(fired).containsExactly(Deadline.CLIENT);
        assertThat(time.live()).isZero();
    }

    @Test
    void oneReadingOfTheClockMovesSeveralIdleDeadlinesAndNoOther() {
        deadlines.startIdle(Deadline.CLIENT, 1000);
        deadlines.startIdle(Deadline.SERVER, 2000);
        deadlines.start(Deadline.HTTP_REQUEST, 1500);
        time.advanceMs(900);
        long now = deadlines.now();
        deadlines.touch(Deadline.CLIENT, now);
        deadlines.touch(Deadline.SERVER, now);
        deadlines.touch(Deadline.HTTP_REQUEST, now);
        deadlines.touch(Deadline.TUNNEL, now);
        assertThat(deadlines.remainingMs(Deadline.CLIENT)).isEqualTo(1000);
        assertThat(deadlines.remainingMs(Deadline.SERVER)).isEqualTo(2000);
        assertThat(deadlines.remainingMs(Deadline.HTTP_REQUEST)).as("absolute: not moved").isEqualTo(600);
        assertThat(deadlines.isSet(Deadline.TUNNEL)).as("unset: stays unset").isFalse();
        time.advanceMs(1000);
        assertThat(fired).containsExactly(Deadline.HTTP_REQUEST, Deadline.CLIENT);
    }

    @Test
    void singleTimerForTheEarliestThenTheNext() {
        deadlines.startIdle(Deadline.SERVER, 3000);
        deadlines.start(Deadline.CONNECT, 1000);
        assertThat(time.live()).isEqualTo(1);
        assertThat(deadlines.remainingMs(Deadline.CONNECT)).isEqualTo(1000);
        time.advanceMs(1000);
        assertThat(fired).containsExactly(Deadline.CONNECT);
        time.advanceMs(2000);
        assertThat(fired).containsExactly(Deadline.CONNECT, Deadline.SERVER);
    }

    @Test
    void zeroMeansNoDeadline() {
        deadlines.start(Deadline.HTTP_REQUEST, 0);
        deadlines.startIdle(Deadline.CLIENT, 0);
        assertThat(deadlines.anySet()).isFalse();
        assertThat(time.armed).isEmpty();
        assertThat(deadlines.remainingMs(Deadline.CLIENT)).isEqualTo(-1);
    }

    @Test
    void clearedAndClosedDeadlinesNeverFire() {
        deadlines.start(Deadline.HTTP_KEEP_ALIVE, 100);
        deadlines.clear(Deadline.HTTP_KEEP_ALIVE);
        time.advanceMs(200);
        assertThat(fired).isEmpty();
        deadlines.start(Deadline.SERVER, 100);
        deadlines.close();
        time.advanceMs(200);
        assertThat(fired).isEmpty();
        assertThat(time.live()).isZero();
    }

    @Test
    void aDeadlineSetByTheCallbackIsArmed() {
        Deadlines d = new Deadlines(time, time, kind -> {
            fired.add(kind);
            if (kind == Deadline.CONNECT && fired.size() == 1) {
                // A retry after the turn-around delay re-arms the same kind.
                deadlinesOf(kind);
            }
        });
        holder[0] = d;
        d.start(Deadline.CONNECT, 100);
        time.advanceMs(100);
        time.advanceMs(100);
        assertThat(fired).containsExactly(Deadline.CONNECT, Deadline.CONNECT);
    }

    private final Deadlines[] holder = new Deadlines[1];

    private void deadlinesOf(Deadline kind) {
        holder[0].start(kind, 100);
    }

    @Test
    void snapshotShowsWhatIsLeft() {
        deadlines.startIdle(Deadline.CLIENT, 30000);
        deadlines.start(Deadline.HTTP_REQUEST, 5000);
        time.advanceMs(1000);
        assertThat(deadlines.snapshot()).containsEntry(Deadline.CLIENT, 29000L).containsEntry(Deadline.HTTP_REQUEST, 4000L)
                .hasSize(2);
    }
}
