package io.ferry.log;

import io.ferry.net.ConnectionEnds;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * What an access-log line says about one HTTP transaction or one TCP stream, filled in by the
 * stream as things happen (on its event loop) and rendered once when it ends.
 *
 * <p>Times are marks on the stream's nanosecond ticker; the log's timers are the differences
 * between them, in milliseconds, with -1 for a phase that did not happen, as in HAProxy:
 * <ul>
 *   <li>{@code TR}: first byte of the request to its complete head;</li>
 *   <li>{@code Tw}: complete head to a server slot (the time in the queue);</li>
 *   <li>{@code Tc}: server slot to an established server connection (0 for a reused one);</li>
 *   <li>{@code Tr}: connection to the response head;</li>
 *   <li>{@code Ta}: first byte of the request to the end of the response; {@code Tt}: accept to the end.</li>
 * </ul>
 */
public final class StreamLog {

    private static final long UNSET = Long.MIN_VALUE;

    /** The client's and the listener's addresses; null on a unix socket, whose listener id is {@link #unixListener}. */
    final InetSocketAddress client;
    final InetSocketAddress local;
    final int unixListener;
    final String frontend;
    final boolean http;
    /** Wall-clock milliseconds and ticker nanoseconds of the accept. */
    final long acceptMillis;
    final long acceptNanos;
    /** Wall-clock and ticker time of the request's first byte (the accept for a stream's first request). */
    long requestMillis;
    long requestNanos;
    long idleNanos;
    long headNanos = UNSET;
    long slotNanos = UNSET;
    long connectedNanos = UNSET;
    long responseNanos = UNSET;
    long endNanos = UNSET;

    String backend;
    String server;
    InetSocketAddress serverAddress;
    int status = -1;
    long bytesOut;
    long bytesIn;
    Termination termination;
    boolean receivedAnything;
    int actconn;
    int feconn;
    int beconn;
    int srvconn;
    int retries;
    int serverQueue;
    int backendQueue;
    String method;
    String uri;
    String version;
    String[] requestCaptures = new String[0];
    String[] responseCaptures = new String[0];
    long requestCounter;

    /**
     * A record for a stream accepted at {@code acceptMillis} (wall clock) and {@code acceptNanos}
     * (the stream's ticker).
     */
    public StreamLog(InetSocketAddress client, InetSocketAddress local, String frontend, boolean http,
                     long acceptMillis, long acceptNanos) {
        this(new ConnectionEnds(client, local, 0), frontend, http, acceptMillis, acceptNanos);
    }

    /** A record for a stream whose connection has these ends (a unix socket's, or a TCP connection's). */
    public StreamLog(ConnectionEnds ends, String frontend, boolean http, long acceptMillis, long acceptNanos) {
        this.client = ends.source();
        this.local = ends.destination();
        this.unixListener = ends.unixListener();
        this.frontend = frontend;
        this.http = http;
        this.acceptMillis = acceptMillis;
        this.acceptNanos = acceptNanos;
        this.requestMillis = acceptMillis;
        this.requestNanos = acceptNanos;
    }

    /**
     * A record for the next request of the same client connection, whose first byte arrived at
     * {@code millis}/{@code nanos} after an idle wait since {@code idleSinceNanos}.
     */
    public StreamLog next(long millis, long nanos, long idleSinceNanos) {
        StreamLog n = new StreamLog(client, local, frontend, http, acceptMillis, acceptNanos);
        n.requestMillis = millis;
        n.requestNanos = nanos;
        n.idleNanos = Math.max(0, nanos - idleSinceNanos);
        return n;
    }

    /** The first byte of the request arrived (the accept stands for it until then). */
    public void firstByte(long millis, long nanos) {
        if (!receivedAnything) {
            receivedAnything = true;
            idleNanos = Math.max(0, nanos - requestNanos);
            requestMillis = millis;
            requestNanos = nanos;
        }
    }

    /** Some bytes arrived from the client: {@code option dontlognull} logs only such streams. */
    public void received(long bytes) {
        receivedAnything |= bytes > 0;
        bytesIn += bytes;
    }

    public void requestLine(String method, String uri, String version) {
        this.method = method;
        this.uri = uri;
        this.version = version;
    }

    public void headComplete(long nanos) {
        headNanos = nanos;
    }

    public void backend(String name) {
        backend = name;
    }

    /** A server slot was obtained (after the queue, if any); resets a previous attempt's connect mark. */
    public void serverAssigned(String name, InetSocketAddress address, long nanos) {
        server = name;
        serverAddress = address;
        if (slotNanos == UNSET) {
            slotNanos = nanos;
        }
        connectedNanos = UNSET;
    }

    /** The stream gave up waiting in the queue: {@code Tw} is the time it waited. */
    public void leftQueue(long nanos) {
        if (slotNanos == UNSET) {
            slotNanos = nanos;
        }
    }

    /** The server connection is established (or an idle one was taken). */
    public void connected(long nanos) {
        connectedNanos = nanos;
    }

    public void responseHead(int status, long nanos) {
        this.status = status;
        responseNanos = nanos;
    }

    /** A status Ferry answered itself (no server response head). */
    public void status(int status) {
        this.status = status;
    }

    public void bytesOut(long bytes) {
        bytesOut = bytes;
    }

    public void retries(int retries) {
        this.retries = retries;
    }

    /** Queue positions when the stream was queued: server's and backend's. */
    public void queuePositions(int server, int backend) {
        serverQueue = server;
        backendQueue = backend;
    }

    /** The counters at log time: process, frontend, backend, server. */
    public void counters(int actconn, int feconn, int beconn, int srvconn) {
        this.actconn = actconn;
        this.feconn = feconn;
        this.beconn = beconn;
        this.srvconn = srvconn;
    }

    public void requestCaptures(String[] values) {
        requestCaptures = values;
    }

    public void responseCaptures(String[] values) {
        responseCaptures = values;
    }

    public void requestCounter(long n) {
        requestCounter = n;
    }

    /** Records what ended the stream; the first cause recorded wins, as in HAProxy. */
    public void terminate(Termination.Cause cause, Termination.Phase phase) {
        if (termination == null) {
            termination = Termination.of(cause, phase);
        }
    }

    public boolean terminated() {
        return termination != null;
    }

    public void end(long nanos) {
        endNanos = nanos;
    }

    public boolean receivedAnything() {
        return receivedAnything;
    }

    public int status() {
        return status;
    }

    public Termination termination() {
        return termination == null ? Termination.NORMAL : termination;
    }

    /** {@code option log-separate-errors}: HAProxy's notion of an error (its {@code sess_log}). */
    boolean isError() {
        return termination().cause().isError() || (termination().cause() == Termination.Cause.NONE && retries > 0)
                || (http && status >= 500);
    }

    // ---- timers in milliseconds, -1 when the phase did not happen --------------------------------

    private static long ms(long from, long to) {
        return from == UNSET || to == UNSET ? -1 : Math.max(0, (to - from) / 1_000_000);
    }

    long tR() {
        return ms(requestNanos, headNanos);
    }

    long tw() {
        return ms(headNanos == UNSET ? requestNanos : headNanos, slotNanos);
    }

    long tc() {
        return ms(slotNanos, connectedNanos);
    }

    long tr() {
        return ms(connectedNanos, responseNanos);
    }

    long ta() {
        return ms(requestNanos, endNanos);
    }

    long tt() {
        return ms(acceptNanos, endNanos);
    }

    long th() {
        return 0;
    }

    long ti() {
        return idleNanos / 1_000_000;
    }

    /** Data transfer time: Ta less the phases before it, -1 without a response. */
    long td() {
        long tr = tr();
        if (tr < 0) {
            return -1;
        }
        return Math.max(0, ta() - tR() - Math.max(0, tw()) - Math.max(0, tc()) - tr);
    }

    String[] requestCapturesView() {
        return Arrays.copyOf(requestCaptures, requestCaptures.length);
    }
}
