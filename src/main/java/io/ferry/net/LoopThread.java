package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of one of Ferry's event loops. While it runs it holds a stripe, a number from 0 to
 * {@link #STRIPES}{@code - 1} that no other live loop thread holds, by which it writes its own row of
 * {@link StripedCounters} without atomic instructions. Beyond {@link #STRIPES} live loop threads, a
 * thread holds none ({@code -1}) and counts in the shared row, as other threads do. It also keeps
 * the time of its loop's current iteration ({@link #nanoTime()}).
 */
public final class LoopThread extends FastThreadLocalThread {

    private static final Logger LOG = LoggerFactory.getLogger(LoopThread.class);

    /** How many loop threads can hold a stripe at once. */
    public static final int STRIPES = 64;

    private static final BitSet TAKEN = new BitSet(STRIPES);

    private int stripe = -1;
    private long nanos;
    private boolean timeKnown;
    private final ArrayList<Channel> toFlush = new ArrayList<>();
    private boolean flushQueued;
    private final Runnable flushAll = this::flushAll;

    /** Told the thread's name when it ends, however it ends. */
    private final Consumer<String> ended;

    private LoopThread(ThreadGroup group, Runnable target, String name, Consumer<String> ended) {
        super(group, target, name);
        this.ended = ended;
    }

    /**
     * A thread factory for event loops, naming threads as Netty's own does for
     * {@link MultiThreadIoEventLoopGroup}. The loops must poll with {@link PollBeforeSleeping},
     * which begins each turn of the loop's clock: without it {@link #nanoTime()} would stand still.
     */
    public static ThreadFactory factory() {
        return factory(name -> { });
    }

    /** As {@link #factory()}, and each thread tells {@code ended} its name when it ends, however it ends. */
    public static ThreadFactory factory(Consumer<String> ended) {
        return new DefaultThreadFactory(MultiThreadIoEventLoopGroup.class) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                return new LoopThread(threadGroup, r, name, ended);
            }
        };
    }

    /** The stripe of the calling thread, or -1 when it holds none. */
    static int currentStripe() {
        return Thread.currentThread() instanceof LoopThread t ? t.stripe : -1;
    }

    /**
     * {@link System#nanoTime()} as first read in the calling loop thread's current iteration, the
     * clock of deadlines: read once per iteration, as HAProxy reads its clock once per poll, it
     * spares a reading on every event. It may be behind the true time by the iteration's length,
     * which is what a deadline may then fire early by. On any other thread it is
     * {@code System.nanoTime()}.
     */
    public static long nanoTime() {
        if (Thread.currentThread() instanceof LoopThread t) {
            if (!t.timeKnown) {
                t.nanos = System.nanoTime();
                t.timeKnown = true;
            }
            return t.nanos;
        }
        return System.nanoTime();
    }

    /** Begins a new iteration of the calling thread's loop: {@link #nanoTime()} is read anew. */
    static void newIteration() {
        if (Thread.currentThread() instanceof LoopThread t) {
            t.timeKnown = false;
        }
    }

    /**
     * Flushes {@code ch} once the loop has dealt with every event of its current poll, as HAProxy
     * sends what its streams wrote at the end of each turn of its loop: the writes of one poll reach
     * the kernel together, and a peer woken by the first finds the others already there. Called
     * from another thread than {@code ch}'s loop's, it flushes at once; so it does when what
     * {@code ch} holds has made it unwritable (past its high-water mark): held to the end of the
     * turn, it would stop the reads that feed it until then, and each such stop and restart costs
     * an {@code epoll_ctl} on the connection being read.
     */
    public static void flushSoon(Channel ch) {
        if (Thread.currentThread() instanceof LoopThread t && ch.eventLoop().inEventLoop() && ch.isWritable()) {
            t.toFlush.add(ch);
            if (!t.flushQueued) {
                t.flushQueued = true;
                ch.eventLoop().execute(t.flushAll);
            }
        } else {
            ch.flush();
        }
    }

    private void flushAll() {
        try {
            // a flush may complete writes whose listeners flush soon again: they join this pass
            for (int i = 0; i < toFlush.size(); i++) {
                toFlush.get(i).flush();
            }
        } finally {
            toFlush.clear();
            flushQueued = false;
        }
    }

    @Override
    public void run() {
        stripe = take();
        try {
            super.run();
        } catch (Throwable t) {
            // Past Netty's own catch (an error while it cleaned up, or a class it could not load):
            // say why in the log, which may fail as well (then the JVM prints it).
            LOG.error("The event loop thread {} ended with an error", getName(), t);
        } finally {
            give(stripe);
            stripe = -1;
            ended.accept(getName());
        }
    }

    // The lock orders a stripe's last writes by one thread before the first writes of the next
    // thread that holds it: the two never write one row at the same time.
    private static int take() {
        synchronized (TAKEN) {
            int s = TAKEN.nextClearBit(0);
            if (s >= STRIPES) {
                return -1;
            }
            TAKEN.set(s);
            return s;
        }
    }

    private static void give(int s) {
        if (s >= 0) {
            synchronized (TAKEN) {
                TAKEN.clear(s);
            }
        }
    }
}
