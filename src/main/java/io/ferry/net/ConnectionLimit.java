package io.ferry.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of open connections against a {@code maxconn}; 0 means no limit. Listeners stop
 * accepting while a limit they answer to is reached and resume when it falls below.
 */
public final class ConnectionLimit {

    private final String name;
    private volatile int max;
    private final AtomicInteger current = new AtomicInteger();

    /**
     * @param name what the limit belongs to, e.g. {@code global} or {@code frontend www}
     * @param max the limit, 0 for none
     */
    public ConnectionLimit(String name, int max) {
        this.name = name;
        this.max = max;
    }

    public String name() {
        return name;
    }

    public int max() {
        return max;
    }

    /**
     * Changes the limit at run time (the runtime API's {@code set maxconn}); the listeners answering
     * to it resume or pause on {@link ListenerGroup#refreshAll()}.
     */
    public void max(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxconn must not be negative");
        }
        this.max = max;
    }

    public int current() {
        return current.get();
    }

    /** Whether no new connection may be accepted now. */
    public boolean reached() {
        return max > 0 && current.get() >= max;
    }

    /**
     * Counts one more connection unless the limit is reached: atomically, so that loops admitting
     * connections at once never take it past the limit together.
     */
    boolean tryAcquire() {
        while (true) {
            int c = current.get();
            int m = max;
            if (m > 0 && c >= m) {
                return false;
            }
            if (current.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** Counts one connection gone; true when this brought the count back below the limit. */
    boolean release() {
        int m = max;
        return current.decrementAndGet() == m - 1 && m > 0;
    }

    @Override
    public String toString() {
        return name + " " + current.get() + "/" + (max == 0 ? "unlimited" : max);
    }
}
