package io.ferry.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of {@code long} counters, counted by event loops without atomic instructions: each
 * {@link LoopThread} adds to its own row (made on its first addition), which only it writes, and
 * every other thread adds atomically to a shared row. A read sums the rows; each counter's sum is
 * exact once the additions before it are visible, but the counters are not read at one instant.
 *
 * <p>Rows are padded so that two threads' rows never share a cache line, and a counter's write is
 * an opaque one: never torn, and seen by readers soon after, without a fence on the writer's side.
 */
public final class StripedCounters {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ROWS = MethodHandles.arrayElementVarHandle(long[][].class);
    /** Longs of padding before and after the counters of a row: one cache line each side. */
    private static final int PAD = 8;

    private final int size;
    private final long[] shared;
    private final long[][] rows = new long[LoopThread.STRIPES][];

    /** {@code size} counters, numbered from 0, all zero. */
    public StripedCounters(int size) {
        this.size = size;
        this.shared = newRow();
    }

    private long[] newRow() {
        return new long[size + 2 * PAD];
    }

    /** Adds {@code delta} to counter {@code i}. */
    public void add(int i, long delta) {
        int k = PAD + i;
        int stripe = LoopThread.currentStripe();
        if (stripe < 0) {
            LONGS.getAndAdd(shared, k, delta);
            return;
        }
        long[] row = rows[stripe];
        if (row == null) {
            row = newRow();
            ROWS.setRelease(rows, stripe, row);
        }
        LONGS.setOpaque(row, k, row[k] + delta);
    }

    /** The sum of counter {@code i}. */
    public long sum(int i) {
        int k = PAD + i;
        long s = (long) LONGS.getOpaque(shared, k);
        for (int r = 0; r < rows.length; r++) {
            long[] row = (long[]) ROWS.getAcquire(rows, r);
            if (row != null) {
                s += (long) LONGS.getOpaque(row, k);
            }
        }
        return s;
    }
}
