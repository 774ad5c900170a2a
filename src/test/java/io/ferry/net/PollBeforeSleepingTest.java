package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PollBeforeSleepingTest {

    private final SelectStrategy strategy = PollBeforeSleeping.FACTORY.newSelectStrategy();

    /**
     * Events found by the poll without waiting are handled at once; with none, a loop with tasks
     * runs them, and a loop without sleeps. The poller is asked exactly once either way.
     */
    @ParameterizedTest(name = "ready {0}, tasks {1}: {2}")
    @CsvSource({
        "3, false, 3",
        "3, true, 3",
        "0, true, 0",
        "0, false, " + SelectStrategy.SELECT,
    })
    void pollsOnceAndSleepsOnlyWhenNothingIsReadyOrQueued(int ready, boolean hasTasks, int expected)
            throws Exception {
        AtomicInteger polls = new AtomicInteger();
        IntSupplier selectNow = () -> {
            polls.incrementAndGet();
            return ready;
        };
        assertThat(strategy.calculateStrategy(selectNow, hasTasks)).isEqualTo(expected);
        assertThat(polls).hasValue(1);
    }

    /**
     * The loop's clock is read once per iteration: two readings in one task agree, and a timer
     * 20 ms later, which the loop sleeps for, sees the time moved on by at least that much. Off
     * the loop, every reading is the system's.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void theLoopClockIsReadOncePerIteration(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        MultiThreadIoEventLoopGroup loops = transport.newEventLoopGroup(1);
        try {
            long[] first = loops.submit(() -> new long[] {LoopThread.nanoTime(), spin(), LoopThread.nanoTime()})
                    .get(10, TimeUnit.SECONDS);
            assertThat(first[2]).isEqualTo(first[0]);
            long later = loops.schedule(() -> LoopThread.nanoTime(), 20, TimeUnit.MILLISECONDS)
                    .get(10, TimeUnit.SECONDS);
            assertThat(later - first[0]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        long a = LoopThread.nanoTime();
        spin();
        assertThat(LoopThread.nanoTime()).isGreaterThan(a);
    }

    /** Waits until System.nanoTime() has moved on; returns how far. */
    private static long spin() {
        long start = System.nanoTime();
        long now;
        while ((now = System.nanoTime()) == start) {
            Thread.onSpinWait();
        }
        return now - start;
    }

    /**
     * A loop of either transport, built with the strategy, runs a task handed to it from another
     * thread and a timer, and sleeps in between: over 300 ms with nothing to do it uses a small part
     * of that time on a processor, where a loop that spun would use all of it.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void anIdleLoopSleepsAndStillWakesForTasksAndTimers(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        MultiThreadIoEventLoopGroup loops = transport.newEventLoopGroup(1);
        try {
            long before = loops.submit(PollBeforeSleepingTest::loopCpuNanos).get(10, TimeUnit.SECONDS);
            long timerAt = System.nanoTime();
            long after = loops.schedule(PollBeforeSleepingTest::loopCpuNanos, 300, TimeUnit.MILLISECONDS)
                    .get(10, TimeUnit.SECONDS);
            assertThat(System.nanoTime() - timerAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(after - before).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private static long loopCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
