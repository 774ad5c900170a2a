package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.http.ByteCounts;
import io.ferry.log.Termination;
import io.ferry.log.Termination.Cause;
import io.ferry.log.Termination.Phase;
import io.ferry.proxy.ProxyCounters.ConnState;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream's side of the counters: told the same events as its access log (by {@link StreamLogger}),
 * it adds them to the {@link ProxyCounters} of its frontend, of the backend of its current
 * transaction and of its current server, and keeps the stream's {@link ConnState} counted in
 * exactly one state. Runs on the stream's event loop; only the shared counters are thread-safe.
 */
final class StreamCounters implements ByteCounts {

    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final long acceptedNanos = System.nanoTime();
    private final ProxyCounters frontend;
    private ConnState state = ConnState.ESTABLISHED;
    private Backend backend;
    private BackendServer server;
    private BackendServer lastServer;
    private Termination termination;
    private boolean inTransaction;
    private boolean requestSeen;
    private boolean retried;
    private boolean closed;
    /** Bytes read from the client and written to it so far (the log's {@code %U} and {@code %B}). */
    private long read;
    private long written;

    StreamCounters(Frontend frontend) {
        this.frontend = frontend.counters;
        this.frontend.sessionStarted();
        this.frontend.enter(state);
    }

    Backend backend() {
        return backend;
    }

    BackendServer server() {
        return server;
    }

    ConnState state() {
        return state;
    }

    /** Whether bytes of a request arrived and its transaction has not ended. */
    boolean inTransaction() {
        return inTransaction;
    }

    void firstByte() {
        inTransaction = true;
    }

    void request() {
        inTransaction = true;
        requestSeen = true;
        frontend.request();
    }

    void routed(Backend b) {
        inTransaction = true;
        leaveBackend();
        backend = b;
        b.counters.sessionStarted();
        b.counters.enter(state);
        if (requestSeen) {
            b.counters.request();
        }
    }

    void serverAssigned(BackendServer s) {
        if (state == ConnState.QUEUED) {
            state(ConnState.ESTABLISHED);
        }
        ProxyCounters c = backend.counters(s);
        if (retried && lastServer != null && lastServer != s) {
            backend.counters.redispatch();
            backend.counters(lastServer).redispatch();
        }
        server = s;
        lastServer = s;
        c.sessionStarted();
        c.select();
        backend.counters.select();
        if (requestSeen) {
            c.request();
        }
    }

    void queued() {
        state(ConnState.QUEUED);
    }

    void leftQueue() {
        if (state == ConnState.QUEUED) {
            state(ConnState.ESTABLISHED);
        }
    }

    /** A connection attempt failed and another follows. */
    void retry() {
        retried = true;
        if (backend != null) {
            backend.counters.retry();
            if (lastServer != null) {
                backend.counters(lastServer).retry();
            }
        }
        leaveServer();
    }

    void response(int status) {
        frontend.response(status);
        if (backend != null) {
            backend.counters.response(status);
            if (server != null) {
                backend.counters(server).response(status);
            }
        }
    }

    /** Ferry answered {@code status} itself. */
    void status(int status) {
        frontend.response(status);
        if (backend != null) {
            backend.counters.response(status);
        }
    }

    void terminate(Cause cause, Phase phase) {
        if (termination == null) {
            termination = Termination.of(cause, phase);
        }
    }

    /** The stream entered {@code s}. */
    void state(ConnState s) {
        if (s == state || closed) {
            return;
        }
        frontend.leave(state);
        frontend.enter(s);
        if (backend != null) {
            backend.counters.leave(state);
            backend.counters.enter(s);
        }
        state = s;
    }

    /** The transaction (or TCP stream) is over: its errors are counted, its backend and server left. */
    void end() {
        if (termination != null && inTransaction) {
            countErrors(termination);
        }
        termination = null;
        inTransaction = false;
        requestSeen = false;
        retried = false;
        if (state == ConnState.QUEUED) {
            state(ConnState.ESTABLISHED);
        }
        leaveServer();
        lastServer = null;
        leaveBackend();
    }

    /** HAProxy's error counters from the termination state (the first two letters of the log's). */
    private void countErrors(Termination t) {
        Cause c = t.cause();
        Phase p = t.phase();
        ProxyCounters be = backend == null ? null : backend.counters;
        ProxyCounters srv = lastServer == null || backend == null ? null : backend.counters(lastServer);
        boolean clientSide = c == Cause.CLIENT_ABORT || c == Cause.CLIENT_TIMEOUT;
        boolean serverSide = c == Cause.SERVER_ABORT || c == Cause.SERVER_TIMEOUT;
        if (p == Phase.REQUEST && (clientSide || c == Cause.PROXY)) {
            frontend.requestError();
        } else if (p == Phase.CONNECT && (serverSide || c == Cause.RESOURCE) && srv != null) {
            be.connectionError();
            srv.connectionError();
        } else if ((p == Phase.HEADERS || p == Phase.DATA) && (serverSide || c == Cause.PROXY) && be != null) {
            be.responseError();
            if (srv != null) {
                srv.responseError();
            }
            if (c == Cause.SERVER_ABORT) {
                be.serverAbort();
                if (srv != null) {
                    srv.serverAbort();
                }
            }
        } else if ((p == Phase.HEADERS || p == Phase.DATA) && clientSide && be != null) {
            be.clientAbort();
            if (srv != null) {
                srv.clientAbort();
            }
        }
    }

    /** The client connection closed: the stream leaves every count. */
    void closed() {
        if (closed) {
            return;
        }
        end();
        frontend.leave(state);
        frontend.sessionEnded();
        closed = true;
    }

    private void leaveServer() {
        if (server != null) {
            backend.counters(server).sessionEnded();
            server = null;
        }
    }

    private void leaveBackend() {
        if (backend != null) {
            backend.counters.leave(state);
            backend.counters.sessionEnded();
            backend = null;
        }
    }

    @Override
    public void read(long bytes) {
        read += bytes;
        bytes(bytes, true);
    }

    @Override
    public void written(long bytes) {
        written += bytes;
        bytes(bytes, false);
    }

    /** Bytes read from the client so far. */
    long bytesRead() {
        return read;
    }

    /** Bytes written to the client so far. */
    long bytesWritten() {
        return written;
    }

    private void bytes(long n, boolean in) {
        frontend.bytes(n, in);
        if (backend != null) {
            backend.counters.bytes(n, in);
            if (server != null) {
                backend.counters(server).bytes(n, in);
            }
        }
    }
}
