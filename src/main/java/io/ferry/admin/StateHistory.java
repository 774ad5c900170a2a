package io.ferry.admin;

import io.ferry.config.Json;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.Frontend;
import io.ferry.proxy.ProxyCounters;
import io.ferry.proxy.ProxyCounters.ConnState;
import java.util.ArrayList;
import java.util.List;

/**
 * The last minutes of each frontend's and backend's streams by connection state, for the stats
 * page's chart: a sample of {@link ProxyCounters#inState} per proxy at each {@link #sample} call (the
 * stats page takes one a second), in a ring of fixed size, so that memory does not grow with time.
 * Samples are taken on one thread and read on others.
 */
final class StateHistory {

    /** One line of the chart: a frontend or a backend. */
    private record Series(String type, String name, ProxyCounters counters, int[] values) {
    }

    private static final ConnState[] STATES = ConnState.values();

    private final int capacity;
    private final long[] times;
    private final List<Series> series = new ArrayList<>();
    /** Samples held, at most {@code capacity}; the newest is at {@code (next - 1) mod capacity}. */
    private int size;
    private int next;

    /** A history of {@code capacity} samples of {@code ferry}'s frontends and backends. */
    StateHistory(Ferry ferry, int capacity) {
        this.capacity = capacity;
        this.times = new long[capacity];
        for (Frontend f : ferry.frontends()) {
            series.add(new Series("frontend", f.name(), f.counters(), new int[capacity * STATES.length]));
        }
        for (Backend b : ferry.backends()) {
            series.add(new Series("backend", b.name(), b.counters(), new int[capacity * STATES.length]));
        }
    }

    /** Records the counts now, at {@code millis} (wall-clock time); the oldest sample goes when it is full. */
    synchronized void sample(long millis) {
        times[next] = millis;
        for (Series s : series) {
            for (ConnState state : STATES) {
                s.values[next * STATES.length + state.ordinal()] = (int) Math.max(0, s.counters.inState(state));
            }
        }
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** Samples held now. */
    synchronized int size() {
        return size;
    }

    /**
     * The history as JSON, oldest sample first:
     * {@code {"interval":MS,"states":[...],"proxies":[{"type":"frontend","name":"fe","samples":[[t,n0,n1,...],...]}]}},
     * each sample's counts in the order of {@code states}.
     */
    synchronized String json(long intervalMs) {
        StringBuilder b = new StringBuilder("{\"interval\":").append(intervalMs).append(",\"states\":[");
        for (ConnState state : STATES) {
            b.append(state.ordinal() == 0 ? "" : ",").append('"').append(state.word()).append('"');
        }
        b.append("],\"proxies\":[");
        int first = (next - size + capacity) % capacity;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            b.append(i == 0 ? "" : ",").append("{\"type\":\"").append(s.type).append("\",\"name\":")
                    .append(Json.quote(s.name)).append(",\"samples\":[");
            for (int k = 0; k < size; k++) {
                int slot = (first + k) % capacity;
                b.append(k == 0 ? "" : ",").append('[').append(times[slot]);
                for (int j = 0; j < STATES.length; j++) {
                    b.append(',').append(s.values[slot * STATES.length + j]);
                }
                b.append(']');
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }
}
