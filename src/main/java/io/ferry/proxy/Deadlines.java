package io.ferry.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every deadline of one stream, as plain numbers, with a single timer armed for the earliest.
 *
 * <p>A deadline is either absolute ({@link #start}: the http-request deadline does not move
 * whatever the pace of the client) or an inactivity deadline ({@link #startIdle} then
 * {@link #touch} on each sign of life). Touching only moves a number: the timer stays where it is,
 * and when it wakes up early it re-arms for what remains, as Netty's {@code IdleStateHandler}
 * does. When a deadline passes, the owner's callback gets its kind, earliest first, and the
 * deadline is cleared.
 *
 * <p>Not thread-safe: a stream's deadlines are used from its event loop only.
 *
 * <pre>{@code
 * Deadlines d = new Deadlines(System::nanoTime, scheduler, kind -> stream.expired(kind));
 * d.start(Deadline.HTTP_REQUEST, 5000);
 * d.startIdle(Deadline.CLIENT, 30000);
 * d.touch(Deadline.CLIENT);            // on each read or write
 * }</pre>
 */
public final class Deadlines {

    /** The kinds of deadline a stream may have, named after the timeouts that set them. */
    public enum Deadline {
        CLIENT, SERVER, CONNECT, QUEUE, HTTP_REQUEST, HTTP_KEEP_ALIVE, TUNNEL, CLIENT_FIN, SERVER_FIN, SERVER_IDLE
    }

    /** A monotonic clock in nanoseconds. */
    @FunctionalInterface
    public interface Clock {
        long nanoTime();
    }

    /** Runs a task after a delay; returns a handle that cancels it. */
    @FunctionalInterface
    public interface Scheduler {
        Cancellable schedule(Runnable task, long delayNanos);
    }

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    public interface Cancellable {
        void cancel();
    }

    private static final long NONE = Long.MAX_VALUE;

    private final Clock clock;
    private final Scheduler scheduler;
    private final Consumer<Deadline> onExpiry;
    private final long[] at = new long[Deadline.values().length];
    /**
     * Each inactivity deadline's timeout in milliseconds, 0 for an absolute deadline: an int, as
     * a timeout is at most 2147483647 ms (the configuration refuses more), which spares an idle
     * connection 40 bytes.
     */
    private final int[] idleMs = new int[Deadline.values().length];
    private Cancellable timer;
    private long timerAt = NONE;
    private boolean closed;

    public Deadlines(Clock clock, Scheduler scheduler, Consumer<Deadline> onExpiry) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.onExpiry = onExpiry;
        java.util.Arrays.fill(at, NONE);
    }

    /** An absolute deadline {@code timeoutMs} from now; 0 or less means none (the timeout is unset). */
    public void start(Deadline kind, long timeoutMs) {
        idleMs[kind.ordinal()] = 0;
        set(kind, timeoutMs <= 0 ? NONE : clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
    }

    /** An inactivity deadline: {@code timeoutMs} after the last {@link #touch}; 0 or less means none. */
    public void startIdle(Deadline kind, long timeoutMs) {
        startIdleSince(kind, timeoutMs, 0);
    }

    /**
     * An inactivity deadline of {@code timeoutMs} whose last activity was {@code msAgo} ago (seen
     * outside this stream, in the kernel): it passes {@code timeoutMs - msAgo} from now, and each
     * {@link #touch} moves it by the whole {@code timeoutMs} as usual.
     */
    public void startIdleSince(Deadline kind, long timeoutMs, long msAgo) {
        if (timeoutMs <= 0) {
            clear(kind);
            return;
        }
        int ms = (int) Math.min(timeoutMs, Integer.MAX_VALUE);
        idleMs[kind.ordinal()] = ms;
        set(kind, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, ms - msAgo)));
    }

    /** Records activity for an inactivity deadline: moves it, without touching the timer. */
    public void touch(Deadline kind) {
        if (idleMs[kind.ordinal()] > 0 && at[kind.ordinal()] != NONE) {
            touch(kind, clock.nanoTime());
        }
    }

    /**
     * As {@link #touch(Deadline)}, with the time read once by {@link #now()} for all the deadlines
     * one event touches.
     */
    public void touch(Deadline kind, long now) {
        int idle = idleMs[kind.ordinal()];
        if (idle > 0 && at[kind.ordinal()] != NONE) {
            at[kind.ordinal()] = now + idle * 1_000_000L;
        }
    }

    /** The clock's time, for {@link #touch(Deadline, long)}. */
    public long now() {
        return clock.nanoTime();
    }

    public void clear(Deadline kind) {
        at[kind.ordinal()] = NONE;
        idleMs[kind.ordinal()] = 0;
    }

    public boolean isSet(Deadline kind) {
        return at[kind.ordinal()] != NONE;
    }

    /** Milliseconds left on a deadline, or -1 when it is not set. */
    public long remainingMs(Deadline kind) {
        long a = at[kind.ordinal()];
        return a == NONE ? -1 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(a - clock.nanoTime()));
    }

    /** Whether any deadline is set. */
    public boolean anySet() {
        for (long a : at) {
            if (a != NONE) {
                return true;
            }
        }
        return false;
    }

    /** The deadlines set now and the milliseconds left on each, for diagnostics. */
    public Map<Deadline, Long> snapshot() {
        Map<Deadline, Long> m = new EnumMap<>(Deadline.class);
        for (Deadline d : Deadline.values()) {
            if (isSet(d)) {
                m.put(d, remainingMs(d));
            }
        }
        return m;
    }

    /** Clears every deadline; the timer, if armed, stays, and re-arms for what is set by then. */
    public void clearAll() {
        java.util.Arrays.fill(at, NONE);
        java.util.Arrays.fill(idleMs, 0);
    }

    /** Cancels the timer for good: the stream is over. */
    public void close() {
        closed = true;
        java.util.Arrays.fill(at, NONE);
        cancelTimer();
    }

    private void set(Deadline kind, long when) {
        at[kind.ordinal()] = when;
        if (when < timerAt) {
            arm(when);
        }
    }

    private void arm(long when) {
        cancelTimer();
        if (closed || when == NONE) {
            return;
        }
        timerAt = when;
        timer = scheduler.schedule(this::wake, Math.max(0, when - clock.nanoTime()));
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        timerAt = NONE;
    }

    /** The timer fired: report what passed, earliest first, then re-arm for what remains. */
    void wake() {
        timer = null;
        timerAt = NONE;
        while (!closed) {
            Deadline due = earliest();
            if (due == null || at[due.ordinal()] > clock.nanoTime()) {
                break;
            }
            clear(due);
            onExpiry.accept(due);
        }
        if (!closed && timer == null) {
            Deadline next = earliest();
            if (next != null) {
                arm(at[next.ordinal()]);
            }
        }
    }

    private Deadline earliest() {
        Deadline best = null;
        long bestAt = NONE;
        for (Deadline d : Deadline.values()) {
            if (at[d.ordinal()] < bestAt) {
                bestAt = at[d.ordinal()];
                best = d;
            }
        }
        return best;
    }
}
