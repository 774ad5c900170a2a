package io.ferry.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * How many accepted connections each event loop serves, and which loop takes the next one.
 *
 * <p>A connection stays on the loop that accepted it, with no hand-off to another thread, unless
 * that loop serves more than an eighth more connections than the least loaded one (any more, while
 * it serves fewer than eight). It then goes to the least loaded loop. So a loop whose listening socket
 * the kernel gives more connections (each loop has its own, {@link ListenerGroup}) shares them,
 * and a few long connections (tunnels) are spread one by one, as HAProxy hands a connection to a
 * less loaded thread.
 *
 * <p>Thread-safe: the counts are atomic; a loop reads the others' as they are at that moment.
 */
final class LoopLoad {

    /** Counts one cache line apart, so that two loops counting do not share one. */
    private static final int STRIDE = 16;

    private final EventLoop[] loops;
    private final AtomicIntegerArray counts;

    LoopLoad(EventLoopGroup workers) {
        loops = loopsOf(workers).toArray(new EventLoop[0]);
        counts = new AtomicIntegerArray(loops.length * STRIDE);
    }

    /**
     * The index of the loop the next connection goes to, counted as one more on it: the calling
     * thread's own loop, unless it is more loaded than another (see the class comment).
     */
    int take() {
        int local = -1;
        int localCount = 0;
        int least = 0;
        int leastCount = Integer.MAX_VALUE;
        for (int i = 0; i < loops.length; i++) {
            int c = counts.get(i * STRIDE);
            if (c < leastCount) {
                least = i;
                leastCount = c;
            }
            if (local < 0 && loops[i].inEventLoop()) {
                local = i;
                localCount = c;
            }
        }
        int chosen = least;
        if (local >= 0 && localCount - leastCount <= localCount / 8) {
            chosen = local;
        }
        counts.incrementAndGet(chosen * STRIDE);
        return chosen;
    }

    EventLoop loop(int index) {
        return loops[index];
    }

    /** A connection {@link #take} counted on loop {@code index} closed. */
    void release(int index) {
        counts.decrementAndGet(index * STRIDE);
    }

    /** The connections loop {@code index} serves now. */
    int count(int index) {
        return counts.get(index * STRIDE);
    }

    /** The event loops of {@code group}, in its order. */
    static List<EventLoop> loopsOf(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        return loops;
    }
}
