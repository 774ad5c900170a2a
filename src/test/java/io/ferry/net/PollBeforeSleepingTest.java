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
     * A loop of either transport, built with the strategy, runs a task handed to it from another
     * thread and a timer, and sleeps in between: over 300 ms with nothing to do it uses a small part
     * of that time on a processor, where a loop that spun would use all of it.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void anIdleLoopSleepsAndStillWakesForTasksAndTimers(Transport transport) throws Exception {
        assumeTrue(transport != Transport.EPOLL || Transport.select() == Transport.EPOLL,
                "epoll is not available here");
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
