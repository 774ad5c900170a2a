package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StripedCountersTest {

    private static final int ADDS = 100_000;

    /** Starts {@code n} threads from {@code factory} that run {@code body} and waits for all. */
    private static void runAll(ThreadFactory factory, int n, Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(factory.newThread(body));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("thread %s finished", t.getName()).isFalse();
        }
    }

    /** Counts down {@code allRunning} and waits until every other thread has done so. */
    private static void meetTheOthers(CountDownLatch allRunning) {
        allRunning.countDown();
        try {
            assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void loopThreadsAndOtherThreadsAddUpExactly() throws InterruptedException {
        StripedCounters c = new StripedCounters(3);
        Runnable body = () -> {
            for (int i = 0; i < ADDS; i++) {
                c.add(0, 1);
                c.add(2, 3);
                c.add(1, i % 2 == 0 ? 1 : -1);
            }
        };
        Thread other = new Thread(body);
        other.start();
        runAll(LoopThread.factory(), 4, body);
        other.join();

        assertThat(c.sum(0)).isEqualTo(5L * ADDS);
        assertThat(c.sum(1)).isZero();
        assertThat(c.sum(2)).isEqualTo(15L * ADDS);
    }

    @Test
    void liveLoopThreadsHoldDistinctStripesAndTheNextThreadKeepsTheCounts() throws InterruptedException {
        StripedCounters c = new StripedCounters(1);
        Set<Integer> stripes = ConcurrentHashMap.newKeySet();
        CountDownLatch allRunning = new CountDownLatch(3);
        runAll(LoopThread.factory(), 3, () -> {
            stripes.add(LoopThread.currentStripe());
            meetTheOthers(allRunning);
            c.add(0, 7);
        });
        assertThat(stripes).hasSize(3).allSatisfy(s -> assertThat(s).isBetween(0, LoopThread.STRIPES - 1));

        // the stripes are free again: later threads take them and add to the rows left behind
        runAll(LoopThread.factory(), 3, () -> c.add(0, 1));
        assertThat(c.sum(0)).isEqualTo(3 * 7 + 3);
        assertThat(LoopThread.currentStripe()).as("a thread that is not a loop's").isEqualTo(-1);
    }

    @Test
    void threadsBeyondTheStripesCountInTheSharedRow() throws InterruptedException {
        int n = LoopThread.STRIPES + 6;
        StripedCounters c = new StripedCounters(1);
        Set<Integer> stripes = ConcurrentHashMap.newKeySet();
        CountDownLatch allRunning = new CountDownLatch(n);
        runAll(LoopThread.factory(), n, () -> {
            stripes.add(LoopThread.currentStripe());
            meetTheOthers(allRunning);
            for (int i = 0; i < 1000; i++) {
                c.add(0, 1);
            }
        });
        assertThat(stripes).contains(-1);
        assertThat(c.sum(0)).isEqualTo(n * 1000L);
    }
}
