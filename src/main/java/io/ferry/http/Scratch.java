package io.ferry.http;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * A byte array that each thread keeps for laying out or parsing message heads, so that a head
 * costs no array of its own: grown when a head needs more, and kept grown up to a bound, beyond
 * which a larger array serves its one head and is dropped. Whoever uses the array copies out what
 * it made before anything else on the thread can use it again.
 */
final class Scratch {

    private final int max;
    private final FastThreadLocal<byte[][]> arrays;

    Scratch(int initial, int max) {
        this.max = max;
        this.arrays = new FastThreadLocal<>() {
            @Override
            protected byte[][] initialValue() {
                return new byte[][] {new byte[initial]};
            }
        };
    }

    /** This thread's array. */
    byte[] get() {
        return arrays.get()[0];
    }

    /** This thread's array if it has {@code n} bytes, else a larger one, kept for next time within the bound. */
    byte[] atLeast(int n) {
        byte[] b = get();
        if (b.length >= n) {
            return b;
        }
        b = new byte[Math.max(n, b.length * 2)];
        keep(b);
        return b;
    }

    /** Keeps {@code b}, grown from this thread's array, as the array for next time, unless it is beyond the bound. */
    void keep(byte[] b) {
        byte[][] holder = arrays.get();
        if (b != holder[0] && b.length <= max) {
            holder[0] = b;
        }
    }
}
