package io.ferry.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one frontend, backend or server, kept where events happen (each stream's
 * {@link StreamCounters}, on its event loop) and read by the runtime API and exporters: one source of
 * truth, several views. Updates are striped ({@link LongAdder}) or single atomic operations, so
 * streams on different event loops never wait for each other; reads are sums taken at the time of
 * the read, each exact but not a snapshot of all counters at one instant.
 *
 * <p>Which counters a kind of proxy uses follows HAProxy's {@code show stat}: a frontend counts
 * client connections, requests and request errors; a backend and a server count the transactions
 * sent to them, connection and response errors, retries and redispatches. A server's current
 * streams are its connection slots ({@link io.ferry.balance.BackendServer#connections()}).
 */
public final class ProxyCounters {

    /**
     * What a stream is doing, as counted per frontend and backend: each open stream is in exactly
     * one state.
     */
    public enum ConnState {
        /** Connected (or connecting) and exchanging an HTTP transaction, or idle between two. */
        ESTABLISHED,
        /** Waiting in its backend's queue for a server slot. */
        QUEUED,
        /** A byte tunnel with both directions open. */
        TUNNEL,
        /** Ferry forwarded the server's FIN to the client and waits for the client's FIN. */
        HALF_CLOSED_CLIENT,
        /** Ferry forwarded the client's FIN to the server and waits for the server's FIN. */
        HALF_CLOSED_SERVER;

        /** The lower-case name with dashes, as the runtime API and metrics print it. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder[] responses = adders(6);
    private final LongAdder requestErrors = new LongAdder();
    private final LongAdder connectionErrors = new LongAdder();
    private final LongAdder responseErrors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder redispatches = new LongAdder();
    private final LongAdder clientAborts = new LongAdder();
    private final LongAdder serverAborts = new LongAdder();
    private final LongAdder selected = new LongAdder();
    private final LongAdder[] states = adders(ConnState.values().length);

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    // ---- updates (from streams) ---------------------------------------------------------------

    void sessionStarted() {
        total.increment();
        int now = current.incrementAndGet();
        raise(max, now);
    }

    void sessionEnded() {
        current.decrementAndGet();
    }

    /** Raises {@code max} to {@code value} when it is higher; one read when it is not. */
    static void raise(AtomicInteger max, int value) {
        int m;
        while (value > (m = max.get())) {
            if (max.compareAndSet(m, value)) {
                return;
            }
        }
    }

    /** {@code n} bytes received from the client ({@code in}) or sent to it. */
    void bytes(long n, boolean in) {
        (in ? bytesIn : bytesOut).add(n);
    }

    void request() {
        requests.increment();
    }

    /** A response of {@code status} went to the client. */
    void response(int status) {
        int cls = status / 100;
        responses[cls >= 1 && cls <= 5 ? cls - 1 : 5].increment();
    }

    void requestError() {
        requestErrors.increment();
    }

    void connectionError() {
        connectionErrors.increment();
    }

    void responseError() {
        responseErrors.increment();
    }

    void retry() {
        retries.increment();
    }

    void redispatch() {
        redispatches.increment();
    }

    void clientAbort() {
        clientAborts.increment();
    }

    void serverAbort() {
        serverAborts.increment();
    }

    /** The balancer (or the queue) gave this server a stream. */
    void select() {
        selected.increment();
    }

    void enter(ConnState s) {
        states[s.ordinal()].increment();
    }

    void leave(ConnState s) {
        states[s.ordinal()].decrement();
    }

    // ---- reads -------------------------------------------------------------------------------

    /** {@code scur}: streams now (frontend: client connections; backend: transactions assigned). */
    public int current() {
        return current.get();
    }

    /** {@code smax}: the highest {@link #current()} seen. */
    public int max() {
        return max.get();
    }

    /** {@code stot}: streams since start. */
    public long total() {
        return total.sum();
    }

    /** {@code bin}: bytes received from clients. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** {@code bout}: bytes sent to clients. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** {@code req_tot}: HTTP requests. */
    public long requests() {
        return requests.sum();
    }

    /**
     * {@code hrsp_1xx} .. {@code hrsp_5xx} for {@code statusClass} 1 to 5, {@code hrsp_other} for any
     * other value.
     */
    public long responses(int statusClass) {
        return responses[statusClass >= 1 && statusClass <= 5 ? statusClass - 1 : 5].sum();
    }

    /** {@code ereq}: requests that failed on the client's side (invalid, timed out, aborted). */
    public long requestErrors() {
        return requestErrors.sum();
    }

    /** {@code econ}: streams that could not connect to a server after every retry. */
    public long connectionErrors() {
        return connectionErrors.sum();
    }

    /** {@code eresp}: responses that failed (server abort, timeout or invalid response). */
    public long responseErrors() {
        return responseErrors.sum();
    }

    /** {@code wretr}: connection retries. */
    public long retries() {
        return retries.sum();
    }

    /** {@code wredis}: retries sent to another server ({@code option redispatch}). */
    public long redispatches() {
        return redispatches.sum();
    }

    /** {@code cli_abrt}: transfers aborted by the client. */
    public long clientAborts() {
        return clientAborts.sum();
    }

    /** {@code srv_abrt}: transfers aborted by the server. */
    public long serverAborts() {
        return serverAborts.sum();
    }

    /** {@code lbtot}: times a server was given a stream. */
    public long selected() {
        return selected.sum();
    }

    /** Streams in state {@code s} now. */
    public long inState(ConnState s) {
        return states[s.ordinal()].sum();
    }
}
