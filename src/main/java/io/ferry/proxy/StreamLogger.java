package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.log.AccessLog;
import io.ferry.log.StreamLog;
import io.ferry.log.Termination.Cause;
import io.ferry.log.Termination.Phase;
import io.ferry.log.Termination;
import io.ferry.net.ConnectionEnds;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;

/**
 * A stream's side of the access log and of the counters: fills the {@link StreamLog} of the current
 * transaction (HTTP) or of the stream (TCP) from the stream's hooks and emits it when it ends (not
 * when the frontend logs nowhere), and tells its {@link StreamCounters} the same events. Runs on the
 * stream's event loop.
 */
final class StreamLogger {

    private final Frontend frontend;
    private final AccessLog log;
    private StreamLog record;
    private long bytesBase;
    private long readBase;
    private boolean emitted;
    /** The line's connection counts were taken before it was written ({@link #takeCounters}). */
    private boolean countersTaken;
    private boolean first = true;
    private BackendServer server;
    private Backend backend;
    private long requests;
    final StreamCounters stats;
    /** Why the stream was ended from outside ({@link #killed}), null when it was not. */
    private Cause killedAs;

    StreamLogger(Frontend frontend, Channel client) {
        this.frontend = frontend;
        this.log = frontend.log;
        this.stats = new StreamCounters(frontend);
        if (log != null) {
            record = log.accepted(ConnectionEnds.of(client), System.nanoTime());
            emitted = !log.logsStreams();
        } else {
            emitted = true;
        }
    }

    /** Whether the frontend writes access-log lines at the end of streams. */
    boolean active() {
        return log != null && log.logsStreams();
    }

    void firstByte() {
        stats.firstByte();
        if (active()) {
            record.firstByte(log.millis(), System.nanoTime());
        }
    }

    void request(HttpRequest h) {
        stats.request();
        if (active()) {
            record.requestLine(h.method().name(), h.uri(), h.protocolVersion().text());
            record.requestCounter(++requests);
            if (log.capturesRequest()) {
                record.requestCaptures(log.captureRequest(h.headers()::get));
            }
        }
    }

    /** The request is routed to {@code b}: its head counts as complete from now (HAProxy's {@code TR}). */
    void routed(Backend b) {
        backend = b;
        stats.routed(b);
        if (active()) {
            record.headComplete(System.nanoTime());
            record.backend(b.name());
        }
    }

    void serverAssigned(BackendServer s) {
        server = s;
        stats.serverAssigned(s);
        if (active()) {
            record.serverAssigned(s.name(), new InetSocketAddress(s.address(), s.port()), System.nanoTime());
        }
    }

    /**
     * The request is answered by a service inside Ferry: logged as HAProxy does, with the frontend
     * as backend, the service's pseudo-server name, and {@code LR}.
     */
    void servedLocally(String server) {
        servedLocally(server, frontend.name());
    }

    /** As {@link #servedLocally(String)}, by {@code backend}'s settings (the stats page of a backend). */
    void servedLocally(String server, String backend) {
        terminate(Cause.LOCAL, Phase.REQUEST);
        if (active()) {
            long now = System.nanoTime();
            record.headComplete(now);
            record.backend(backend);
            record.serverAssigned(server, null, now);
            record.connected(now);
            record.responseHead(200, now);
        }
    }

    void connected() {
        if (active()) {
            record.connected(System.nanoTime());
        }
    }

    /** Queued in {@code b}'s queue: {@code %bq} is its length then, this stream included, as HAProxy logs it. */
    void queued(Backend b) {
        backend = b;
        stats.queued();
        if (active()) {
            record.queuePositions(0, b.queued());
        }
    }

    void leftQueue() {
        stats.leftQueue();
        if (active()) {
            record.leftQueue(System.nanoTime());
        }
    }

    void response(HttpResponse r) {
        stats.response(r.status().code());
        if (active()) {
            record.responseHead(r.status().code(), System.nanoTime());
            if (log.capturesResponse()) {
                record.responseCaptures(log.captureResponse(r.headers()::get));
            }
        }
    }

    /** Ferry answered {@code status} itself. */
    void status(int status) {
        stats.status(status);
        if (active()) {
            record.status(status);
        }
    }

    void retries(int n) {
        stats.retry();
        if (active()) {
            record.retries(n);
        }
    }

    void terminate(Cause cause, Phase phase) {
        // A stream ended from outside shows as the abort it causes; HAProxy logs it as K, D or U.
        if (killedAs != null && (cause == Cause.CLIENT_ABORT || cause == Cause.SERVER_ABORT)) {
            cause = killedAs;
        }
        stats.terminate(cause, phase);
        if (active()) {
            record.terminate(cause, phase);
        }
    }

    Termination termination() {
        return record == null ? Termination.NORMAL : record.termination();
    }

    /** Whether the current transaction has begun: the stream's first, or bytes of a next request arrived. */
    boolean transactionOpen() {
        return (active() && !emitted && (first || record.receivedAnything())) || stats.inTransaction();
    }

    /** The stream entered {@code s} (tunnel, half-closed). */
    void state(ProxyCounters.ConnState s) {
        stats.state(s);
    }

    /** The stream is over (after its last {@link #end}): it leaves the counts. */
    void closed() {
        stats.closed();
    }

    /**
     * The stream is ended from outside: by an administrator ({@code shutdown session}, logged with
     * {@code K}), or because its server went down ({@code D}) or an active server came back while
     * it used a backup ({@code U}).
     */
    void killed(Cause cause) {
        killedAs = cause;
    }

    /**
     * The transaction (or TCP stream) is over: writes its line. With {@code countBytes} false the
     * response is not counted in {@code %B}, as HAProxy 2.6 does for the 400 and 408 its HTTP layer
     * answers before a stream exists.
     */
    void end(boolean countBytes) {
        stats.end();
        if (!active() || emitted) {
            return;
        }
        emitted = true;
        long now = System.nanoTime();
        record.end(now);
        record.bytesOut(countBytes ? stats.bytesWritten() - bytesBase : 0);
        record.received(stats.bytesRead() - readBase);
        if (!countersTaken) {
            counters();
        }
        log.emit(record);
    }

    /**
     * Takes the connection counts the line shows ({@code actconn}, {@code feconn}, {@code beconn},
     * {@code srv_conn}) now rather than when it is written: a tunnel's line waits for its last
     * flush, by which time its own client connection no longer counts.
     */
    void takeCounters() {
        if (active() && !emitted) {
            counters();
            countersTaken = true;
        }
    }

    private void counters() {
        int beconn = 0;
        if (backend != null) {
            beconn = backend.queued();
            for (BackendServer s : backend.servers) {
                beconn += s.connections();
            }
        }
        record.counters(frontend.globalConnections(), frontend.connections(), beconn,
                server == null ? 0 : server.connections());
    }

    /** What {@code show sess} prints of the stream, with its connections' states. */
    StreamSnapshot snapshot(Channel client, StreamSnapshot.Side clientSide, StreamSnapshot.Side serverSide,
                            Deadlines deadlines) {
        Backend b = stats.backend();
        BackendServer s = stats.server();
        return new StreamSnapshot(stats.id, client.remoteAddress(), frontend.name(), b == null ? null : b.name(),
                s == null ? null : s.name(), (System.nanoTime() - stats.acceptedNanos) / 1_000_000, stats.state(),
                clientSide, serverSide, deadlines.snapshot());
    }

    /** Ready for the next request on the same client connection. */
    void next() {
        if (!active()) {
            return;
        }
        long now = System.nanoTime();
        record = record.next(log.millis(), now, now);
        bytesBase = stats.bytesWritten();
        readBase = stats.bytesRead();
        emitted = false;
        countersTaken = false;
        first = false;
        server = null;
        backend = null;
    }
}
