package io.ferry.proxy;

import io.ferry.net.StripedCounters;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counters of one frontend, backend or server, kept where events happen (each stream's
 * {@link StreamCounters}, on its event loop) and read by the runtime API and exporters: one source of
 * truth, several views. Counts are striped by event loop ({@link StripedCounters}: each loop adds to
 * its own row, without atomic instructions), and the current and highest stream counts are single
 * atomic operations, so streams on different event loops never wait for each other; reads are sums
 * taken at the time of the read, each exact but not a snapshot of all counters at one instant.
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

    // The counters' numbers in the striped set.
    private static final int TOTAL = 0;
    private static final int BYTES_IN = 1;
    private static final int BYTES_OUT = 2;
    private static final int REQUESTS = 3;
    private static final int RESPONSES = 4;            // six: 1xx to 5xx, then other
    private static final int REQUEST_ERRORS = RESPONSES + 6;
    private static final int CONNECTION_ERRORS = REQUEST_ERRORS + 1;
    private static final int RESPONSE_ERRORS = CONNECTION_ERRORS + 1;
    private static final int RETRIES = RESPONSE_ERRORS + 1;
    private static final int REDISPATCHES = RETRIES + 1;
    private static final int CLIENT_ABORTS = REDISPATCHES + 1;
    private static final int SERVER_ABORTS = CLIENT_ABORTS + 1;
    private static final int SELECTED = SERVER_ABORTS + 1;
    private static final int STATES = SELECTED + 1;      // one per ConnState
    private static final int SIZE = STATES + ConnState.values().length;

    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final StripedCounters counts = new StripedCounters(SIZE);

    // ---- updates (from streams) ---------------------------------------------------------------

    void sessionStarted() {
        counts.add(TOTAL, 1);
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
        counts.add(in ? BYTES_IN : BYTES_OUT, n);
    }

    void request() {
        counts.add(REQUESTS, 1);
    }

    /** A response of {@code status} went to the client. */
    void response(int status) {
        counts.add(responseSlot(status / 100), 1);
    }

    /** The counter of responses of {@code statusClass}: 1xx to 5xx, then any other. */
    private static int responseSlot(int statusClass) {
        return RESPONSES + (statusClass >= 1 && statusClass <= 5 ? statusClass - 1 : 5);
    }

    void requestError() {
        counts.add(REQUEST_ERRORS, 1);
    }

    void connectionError() {
        counts.add(CONNECTION_ERRORS, 1);
    }

    void responseError() {
        counts.add(RESPONSE_ERRORS, 1);
    }

    void retry() {
        counts.add(RETRIES, 1);
    }

    void redispatch() {
        counts.add(REDISPATCHES, 1);
    }

    void clientAbort() {
        counts.add(CLIENT_ABORTS, 1);
    }

    void serverAbort() {
        counts.add(SERVER_ABORTS, 1);
    }

    /** The balancer (or the queue) gave this server a stream. */
    void select() {
        counts.add(SELECTED, 1);
    }

    void enter(ConnState s) {
        counts.add(STATES + s.ordinal(), 1);
    }

    void leave(ConnState s) {
        counts.add(STATES + s.ordinal(), -1);
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
        return counts.sum(TOTAL);
    }

    /** {@code bin}: bytes received from clients. */
    public long bytesIn() {
        return counts.sum(BYTES_IN);
    }

    /** {@code bout}: bytes sent to clients. */
    public long bytesOut() {
        return counts.sum(BYTES_OUT);
    }

    /** {@code req_tot}: HTTP requests. */
    public long requests() {
        return counts.sum(REQUESTS);
    }

    /**
     * {@code hrsp_1xx} .. {@code hrsp_5xx} for {@code statusClass} 1 to 5, {@code hrsp_other} for any
     * other value.
     */
    public long responses(int statusClass) {
        return counts.sum(responseSlot(statusClass));
    }

    /** {@code ereq}: requests that failed on the client's side (invalid, timed out, aborted). */
    public long requestErrors() {
        return counts.sum(REQUEST_ERRORS);
    }

    /** {@code econ}: streams that could not connect to a server after every retry. */
    public long connectionErrors() {
        return counts.sum(CONNECTION_ERRORS);
    }

    /** {@code eresp}: responses that failed (server abort, timeout or invalid response). */
    public long responseErrors() {
        return counts.sum(RESPONSE_ERRORS);
    }

    /** {@code wretr}: connection retries. */
    public long retries() {
        return counts.sum(RETRIES);
    }

    /** {@code wredis}: retries sent to another server ({@code option redispatch}). */
    public long redispatches() {
        return counts.sum(REDISPATCHES);
    }

    /** {@code cli_abrt}: transfers aborted by the client. */
    public long clientAborts() {
        return counts.sum(CLIENT_ABORTS);
    }

    /** {@code srv_abrt}: transfers aborted by the server. */
    public long serverAborts() {
        return counts.sum(SERVER_ABORTS);
    }

    /** {@code lbtot}: times a server was given a stream. */
    public long selected() {
        return counts.sum(SELECTED);
    }

    /** Streams in state {@code s} now. */
    public long inState(ConnState s) {
        return counts.sum(STATES + s.ordinal());
    }
}
