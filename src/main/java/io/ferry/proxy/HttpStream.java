package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ObservedHealth;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.http.AclMatcher;
import io.ferry.http.ByteCounts;
import io.ferry.http.ConnectionHeaders;
import io.ferry.http.ErrorPages;
import io.ferry.http.Http1ClientCodec;
import io.ferry.http.Http1ServerCodec;
import io.ferry.http.HttpErrors;
import io.ferry.http.HttpRules;
import io.ferry.http.HttpViolation;
import io.ferry.http.RequestSample;
import io.ferry.log.Termination.Cause;
import io.ferry.log.Termination.Phase;
import io.ferry.net.ConnectionEnds;
import io.ferry.net.LoopThread;
import io.ferry.net.Transport;
import io.ferry.proxy.Deadlines.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * One client connection in {@code mode http} and the server connection it uses for its current
 * transaction: routing, server selection with retries, connection reuse, streaming of both bodies
 * with back-pressure, keep-alive, pipelining (one transaction at a time, in order), and every
 * deadline of the stream.
 *
 * <p>Both channels read only on demand (auto-read off). Decoded messages wait in a small queue per
 * side, holding at most what one read produced; a side is read again only when its queue is empty
 * and the other side can take more. All methods run on the client's event loop, which is also the
 * server connection's.
 */
final class HttpStream implements QueueEntry.Waiter, StreamView {

    /** Where the current request is, on the client side. */
    enum RequestPhase { WAITING, BODY, COMPLETE }

    /** Where the current response is, on the server side. */
    enum ResponsePhase { NONE, WAITING_HEAD, INTERIM, BODY, COMPLETE }

    /** The server connection of the current transaction. */
    enum ServerPhase { NONE, QUEUED, CONNECTING, RETRY_WAIT, CONNECTED }

    private final ProxyRuntime runtime;
    private final Frontend frontend;
    private final Channel client;
    private final Timeouts clientTimeouts;
    private final long clientFin;
    final Deadlines deadlines;
    private final ArrayDeque<Object> clientIn = new ArrayDeque<>();
    private final ArrayDeque<Object> serverIn = new ArrayDeque<>();

    private RequestPhase request = RequestPhase.WAITING;
    private ResponsePhase response = ResponsePhase.NONE;
    private ServerPhase serverPhase = ServerPhase.NONE;

    private HttpRequest head;
    private RequestSample sample;
    private Backend backend;
    private Timeouts timeouts;
    private BackendServer server;
    private ServerAttempts attempts;
    private ServerConnection conn;
    private ServerConnection privateConn;
    private boolean reusedConn;
    private boolean replayed;
    private boolean bodySent;
    private boolean clientKeepAlive;
    private boolean serverKeepAlive;
    private boolean firstRequest = true;
    private boolean keepAliveWait;
    /**
     * A transaction ended, the connection is kept alive, but the client has not taken enough of
     * what was written to it (its connection is over the high-water mark): the next request waits,
     * and the client is not read, until it does, under {@code timeout client}. A client that sends
     * requests without reading the answers is not served ahead of what it reads, so what it makes
     * Ferry hold stays bounded.
     */
    private boolean drainWait;
    /** The client connection closes once what was written to it is sent: nothing more is read or served. */
    private boolean closing;
    private boolean clientInputShut;
    private boolean closed;
    private final StreamLogger log;
    private boolean connectTimedOut;
    private int retries;
    /**
     * The current request may turn the connection into a tunnel (an {@code Upgrade}, or {@code
     * CONNECT}); its client is not read again until the answer comes.
     */
    private boolean upgradeRequested;
    /** A request for the stats page whose body (an admin form) is being read, null otherwise. */
    private StatsRequest statsRequest;
    private ServerPool pool;
    /** The client connection's codec, which decodes one request at a time (null in tests without one). */
    private Http1ServerCodec codec;

    HttpStream(ProxyRuntime runtime, Frontend frontend, Channel client) {
        this.runtime = runtime;
        this.frontend = frontend;
        this.client = client;
        this.clientTimeouts = frontend.clientTimeouts;
        this.clientFin = frontend.clientFin;
        this.deadlines = new Deadlines(LoopThread::nanoTime, runtime.scheduler(client.eventLoop()), this::expired);
        this.log = new StreamLogger(frontend, client);
    }

    /** Has {@code codec} decode one request at a time, resumed when this stream wants the next. */
    void decodesWith(Http1ServerCodec codec) {
        this.codec = codec;
        codec.pauseBetweenRequests();
    }

    /** What the client connection's codec tells of the bytes it reads and writes. */
    ByteCounts counts() {
        return log.stats;
    }

    // ---- client side -------------------------------------------------------------------------

    void clientActive() {
        deadlines.startIdle(Deadline.CLIENT, clientIdle());
        deadlines.start(Deadline.HTTP_REQUEST, clientTimeouts.httpRequest());
        client.read();
    }

    /** Bytes arrived from the client (before decoding). */
    void clientBytes() {
        deadlines.touch(Deadline.CLIENT);
        if (request == RequestPhase.WAITING) {
            log.firstByte();
        }
        if (keepAliveWait) {
            keepAliveWait = false;
            deadlines.clear(Deadline.HTTP_KEEP_ALIVE);
            deadlines.startIdle(Deadline.CLIENT, clientIdle());
            deadlines.start(Deadline.HTTP_REQUEST, clientTimeouts.httpRequest());
        }
    }

    void clientMessage(Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        // Handled when the read is complete, so that a request head and the end of its body decoded
        // from the same bytes are seen together.
        clientIn.add(msg);
    }

    void clientReadComplete() {
        drainClient();
    }

    void clientWritabilityChanged() {
        if (!client.isWritable()) {
            return;
        }
        // The client took some of what was written to it: it is alive.
        deadlines.touch(Deadline.CLIENT);
        if (drainWait) {
            drainWait = false;
            nextOrClose();
            return;
        }
        maybeReadServer();
    }

    void clientInputShutdown() {
        clientInputShut = true;
        if (request == RequestPhase.WAITING && clientIn.isEmpty() && !drainWait) {
            // What was written may not all be sent yet: the client may still be reading.
            closeClientAfterFlush();
        } else if (backend != null && backend.model.option(ProxyOption.ABORTONCLOSE)
                && (serverPhase == ServerPhase.QUEUED || serverPhase == ServerPhase.CONNECTING
                    || serverPhase == ServerPhase.RETRY_WAIT)) {
            // option abortonclose: a client that closed while its request waits for a server is gone.
            client.close();
        } else if (deadlines.isSet(Deadline.CLIENT)) {
            deadlines.startIdle(Deadline.CLIENT, clientIdle());
        }
    }

    /**
     * The client's inactivity timeout: {@code timeout client}, or once the client has half-closed
     * its connection, {@code timeout client-fin} (Ferry's default: min(timeout client, 30 s)).
     */
    private long clientIdle() {
        return clientInputShut ? clientFin : clientTimeouts.client();
    }

    void clientClosed() {
        if (closed) {
            return;
        }
        closed = true;
        statsRequest = null;
        if (log.transactionOpen()) {
            clientGone();
        }
        log.closed();
        leaveQueue();
        deadlines.close();
        releaseAll(clientIn);
        releaseAll(serverIn);
        if (conn != null || server != null) {
            detachServer(true);
        }
        if (privateConn != null) {
            privateConn.owner = null;
            privateConn.channel.close();
            privateConn = null;
        }
    }

    @Override
    public Deadlines deadlines() {
        return deadlines;
    }

    /**
     * The proxy is stopping softly: an idle kept-alive connection closes now; one in a transaction
     * finishes it (its response says {@code Connection: close}) and closes; one whose first request
     * has not come yet is served once, within its usual deadlines. A tunnel has no such step: like
     * HAProxy, a stopping Ferry lets tunnels run until they end or {@code hard-stop-after}.
     */
    void softStop() {
        if (!closed && keepAliveWait && clientIn.isEmpty()) {
            // The last answer may still be on its way: it is sent first.
            closeClientAfterFlush();
        }
    }

    private void drainClient() {
        while (!closed && !clientIn.isEmpty()) {
            Object m = clientIn.peek();
            if (m instanceof HttpRequest h && request == RequestPhase.WAITING) {
                if (drainWait || closing) {
                    break;
                }
                clientIn.poll();
                beginRequest(h);
            } else if (m instanceof HttpContent c && !(m instanceof HttpRequest) && statsRequest != null) {
                clientIn.poll();
                statsContent(c);
            } else if (m instanceof HttpContent c && !(m instanceof HttpRequest) && request == RequestPhase.BODY
                    && serverPhase == ServerPhase.CONNECTED && response != ResponsePhase.COMPLETE) {
                clientIn.poll();
                forwardRequestContent(c);
            } else {
                break;
            }
        }
        if (conn != null && serverPhase == ServerPhase.CONNECTED) {
            LoopThread.flushSoon(conn.channel);
        }
        maybeReadClient();
    }

    private void maybeReadClient() {
        if (closed || clientInputShut || closing || drainWait) {
            return;
        }
        // A bodiless request's end waits in the queue until the server is connected; reading on in
        // the meantime takes at most one more read's worth, and spares turning the client's
        // readiness events off and on again around every connect.
        boolean onlyEnd = clientIn.size() == 1 && clientIn.peek() == LastHttpContent.EMPTY_LAST_CONTENT;
        if (!clientIn.isEmpty() && !onlyEnd) {
            return;
        }
        boolean want = switch (request) {
            case WAITING -> true;
            // After an upgrade request the client's next bytes may be another protocol's: wait for the answer.
            case COMPLETE -> !upgradeRequested;
            case BODY -> onlyEnd ? !upgradeRequested
                    : statsRequest != null || (serverPhase == ServerPhase.CONNECTED && conn.channel.isWritable());
        };
        if (!want) {
            return;
        }
        // The next request may already be here, undecoded; the client is read only once it is not.
        if (codec != null && resumeDecoding()) {
            drainClient();
        } else if (!closed && !clientInputShut && !closing) {
            client.read();
        }
    }

    private boolean resumeDecoding() {
        try {
            return codec.resume();
        } catch (Exception e) {
            client.pipeline().fireExceptionCaught(e);
            return false;
        }
    }

    private void beginRequest(HttpRequest h) {
        deadlines.clear(Deadline.HTTP_REQUEST);
        deadlines.clear(Deadline.HTTP_KEEP_ALIVE);
        keepAliveWait = false;
        deadlines.startIdle(Deadline.CLIENT, clientIdle());
        request = RequestPhase.BODY;
        head = h;
        if (h instanceof FullHttpRequest || h.decoderResult().isFailure()) {
            // The decoder gives an invalid request as a full message; nothing more will be decoded.
            ReferenceCountUtil.release(h);
            head = null;
            clientKeepAlive = false;
            // A head cut short by the client's close is the client's abort, not an invalid request.
            log.terminate(h.decoderResult().cause() instanceof PrematureChannelClosureException ? Cause.CLIENT_ABORT
                    : Cause.PROXY, Phase.REQUEST);
            sendError(HttpViolation.requestStatus(h.decoderResult()));
            return;
        }
        if (ConnectionHeaders.requestsUpgrade(h) && ConnectionHeaders.upgradesToWebSocket(h)
                && !h.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            // RFC 6455 §4.1: a WebSocket handshake carries its key.
            ReferenceCountUtil.release(h);
            head = null;
            clientKeepAlive = false;
            log.terminate(Cause.PROXY, Phase.REQUEST);
            sendError(400);
            return;
        }
        log.request(h);
        sample = new RequestSample(h, ConnectionEnds.of(client));
        HttpService service = frontend.service(sample);
        if (service != null) {
            clientKeepAlive = ConnectionHeaders.wantsKeepAlive(h);
            log.servedLocally(service.logName());
            sendLocal(200, false, close -> {
                HttpResponse r = service.answer(h);
                ConnectionHeaders.forClient(r, h, !close);
                return r;
            });
            return;
        }
        clientKeepAlive = ConnectionHeaders.wantsKeepAlive(h) && frontend.mode.keepsClient();
        if (answered(ProxyRules.beforeRouting(frontend, sample), Phase.REQUEST) || stats(frontend.model)) {
            return;
        }
        backend = frontend.route(sample);
        if (backend == null) {
            clientKeepAlive = ConnectionHeaders.wantsKeepAlive(h);
            // What HAProxy 2.6 logs when no backend matches: SC, with TR -1.
            log.terminate(Cause.SERVER_ABORT, Phase.CONNECT);
            sendError(503);
            return;
        }
        log.routed(backend);
        timeouts = frontend.timeouts(backend);
        ConnectionMode mode = frontend.mode.with(backend.mode);
        clientKeepAlive = ConnectionHeaders.wantsKeepAlive(h) && mode.keepsClient() && !runtime.stopping();
        serverKeepAlive = mode.keepsServer();
        if (answered(ProxyRules.afterRouting(frontend, backend, sample), Phase.REQUEST)
                || (backend.model != frontend.model && stats(backend.model))) {
            return;
        }
        upgradeRequested = ConnectionHeaders.requestsUpgrade(h) || h.method().equals(HttpMethod.CONNECT);
        ConnectionHeaders.forServer(h, serverKeepAlive);
        attempts = new ServerAttempts(backend, sample, this, client.eventLoop());
        replayed = false;
        bodySent = false;
        retries = 0;
        connectTimedOut = false;
        proceed(attempts.choose());
    }

    // ---- the stats page ----------------------------------------------------------------------

    /** The largest admin form read; HAProxy's limit is its buffer, and it answers {@code EXCD} beyond. */
    private static final int STATS_BODY_LIMIT = 16 * 1024;

    /** A request for the stats page being read. */
    private static final class StatsRequest {
        final StatsPage page;
        final Proxy proxy;
        final boolean admin;
        final StringBuilder body = new StringBuilder();
        boolean truncated;

        StatsRequest(StatsPage page, Proxy proxy, boolean admin) {
            this.page = page;
            this.proxy = proxy;
            this.admin = admin;
        }
    }

    /**
     * Serves the stats page when {@code px} has one and the request asks for it (after {@code px}'s
     * request rules, so that they can deny it). The body is read first: it may be an admin form.
     */
    private boolean stats(Proxy px) {
        StatsPage page = runtime.statsPage();
        if (page == null || !px.servesStatsPage() || !StatsPage.matches(px.stats().uri(), head.uri())) {
            return false;
        }
        boolean admin = px.stats().admin() != null && AclMatcher.test(px.stats().admin(), sample);
        log.servedLocally(StatsPage.LOG_NAME, px.name());
        statsRequest = new StatsRequest(page, px, admin);
        return true;
    }

    private void statsContent(HttpContent c) {
        StatsRequest s = statsRequest;
        if (c.decoderResult().isFailure()) {
            c.release();
            statsRequest = null;
            abortOrError(400);
            return;
        }
        int room = STATS_BODY_LIMIT - s.body.length();
        int n = c.content().readableBytes();
        s.body.append(c.content().toString(c.content().readerIndex(), Math.min(room, n), StandardCharsets.ISO_8859_1));
        s.truncated |= n > room;
        boolean last = c instanceof LastHttpContent;
        c.release();
        if (!last) {
            return;
        }
        request = RequestPhase.COMPLETE;
        statsRequest = null;
        HttpRequest h = head;
        FullHttpResponse r = s.page.answer(h, s.truncated ? null : s.body.toString(), s.proxy, s.admin);
        sendLocal(r.status().code(), false, close -> {
            ConnectionHeaders.forClient(r, h, !close);
            return r;
        });
    }

    /** The idle server connections of this stream's event loop (which never changes), looked up once. */
    private ServerPool pool() {
        ServerPool p = pool;
        if (p == null) {
            p = runtime.pool(client.eventLoop());
            pool = p;
        }
        return p;
    }

    private void forwardRequestContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            c.release();
            abortOrError(400);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (c.content().isReadable() || last) {
            bodySent |= c.content().isReadable();
            conn.channel.write(c, conn.channel.voidPromise());
            deadlines.touch(Deadline.SERVER);
        } else {
            c.release();
        }
        if (last) {
            request = RequestPhase.COMPLETE;
            if (response == ResponsePhase.WAITING_HEAD || response == ResponsePhase.INTERIM) {
                // The client has said everything; until the response starts only the server's timeout applies.
                deadlines.clear(Deadline.CLIENT);
            }
        }
    }

    // ---- server selection and connection -----------------------------------------------------

    private void proceed(ServerAttempts.Outcome outcome) {
        switch (outcome) {
            case SERVER -> useServer(attempts.server());
            case QUEUED -> {
                // Every server is at its maxconn: wait in the backend's queue, at most timeout queue.
                serverPhase = ServerPhase.QUEUED;
                log.queued(backend);
                deadlines.start(Deadline.QUEUE, timeouts.queue());
            }
            case REFUSED -> {
                // No usable server, or the queue is full.
                log.terminate(Cause.SERVER_ABORT, backend.queued() > 0 ? Phase.QUEUE : Phase.CONNECT);
                sendError(503);
            }
        }
    }

    /** A server slot freed up for this stream (run on its event loop). */
    @Override
    public void dequeued(QueueEntry e, BackendServer s) {
        if (closed || attempts == null || !attempts.dequeued(e, s)) {
            e.backend.release(s);
            return;
        }
        deadlines.clear(Deadline.QUEUE);
        useServer(s);
    }

    /** Leaves the queue; if a slot is already on its way, {@link #dequeued} gives it back. */
    private void leaveQueue() {
        if (attempts != null && attempts.queued()) {
            attempts.leaveQueue();
            deadlines.clear(Deadline.QUEUE);
            serverPhase = ServerPhase.NONE;
        }
    }

    /** Uses server {@code s}, whose slot this stream holds: an idle connection to it, or a new one. */
    private void useServer(BackendServer s) {
        server = s;
        log.serverAssigned(s);
        ServerConnection c = null;
        if (privateConn != null) {
            if (privateConn.server == s && privateConn.isOpen()) {
                c = privateConn;
            } else {
                privateConn.owner = null;
                privateConn.channel.close();
            }
            privateConn = null;
        }
        if (c == null) {
            c = pool().take(s, backend.reuse(), firstRequest);
        }
        if (c != null) {
            c.owner = this;
            conn = c;
            reusedConn = true;
            serverPhase = ServerPhase.CONNECTED;
            log.connected();
            deadlines.startIdle(Deadline.SERVER, timeouts.server());
            sendHead();
        } else {
            connect();
        }
    }

    private void connect() {
        reusedConn = false;
        serverPhase = ServerPhase.CONNECTING;
        ServerConnection c = runtime.newServerConnection(client.eventLoop(), server, frontend.model, backend.model);
        if (c == null) {
            connectFailed(true);
            return;
        }
        c.owner = this;
        conn = c;
        deadlines.start(Deadline.CONNECT, timeouts.connect());
        c.channel.connect(runtime.serverAddress(server, client)).addListener((ChannelFutureListener) f -> {
            if (conn != c || closed) {
                c.channel.close();
                return;
            }
            if (f.isSuccess()) {
                deadlines.clear(Deadline.CONNECT);
                serverPhase = ServerPhase.CONNECTED;
                observed(ObservedHealth.Event.L4_OK);
                log.connected();
                deadlines.startIdle(Deadline.SERVER, timeouts.server());
                sendHead();
            } else {
                connectFailed();
            }
        });
    }

    private void connectFailed() {
        connectFailed(false);
    }

    /**
     * The attempt to connect failed; {@code noSocket} when no socket could even be had, for lack of
     * descriptors or memory: the server is not to blame and its health is not told, and without a
     * retry that succeeds the log says {@code RC} (resource, at connect), as HAProxy's does.
     */
    private void connectFailed(boolean noSocket) {
        deadlines.clear(Deadline.CONNECT);
        ServerConnection c = conn;
        if (c != null) {
            conn = null;
            c.owner = null;
            c.channel.close();
        }
        BackendServer failedServer = server;
        server = null;
        if (!noSocket) {
            failedServer.observed(ObservedHealth.Event.L4_ERR);
        }
        if (attempts.connectFailed(failedServer)) {
            log.retries(++retries);
            serverPhase = ServerPhase.RETRY_WAIT;
            deadlines.start(Deadline.CONNECT, timeouts.retryDelay());
        } else {
            serverPhase = ServerPhase.NONE;
            log.terminate(noSocket ? Cause.RESOURCE : connectTimedOut ? Cause.SERVER_TIMEOUT : Cause.SERVER_ABORT,
                    Phase.CONNECT);
            sendError(503);
        }
    }

    private void sendHead() {
        conn.uses++;
        response = ResponsePhase.WAITING_HEAD;
        conn.channel.write(head, conn.channel.voidPromise());
        deadlines.touch(Deadline.SERVER);
        drainClient();
        maybeReadServer();
    }

    // ---- server side -------------------------------------------------------------------------

    void serverBytes() {
        deadlines.touch(Deadline.SERVER);
    }

    void serverMessage(ServerConnection c, Object msg) {
        if (c != conn || closed) {
            ReferenceCountUtil.release(msg);
            if (c == privateConn) {
                privateConn = null;
                c.owner = null;
                c.channel.close();
            }
            return;
        }
        serverIn.add(msg);
    }

    void serverReadComplete(ServerConnection c) {
        if (c == conn) {
            drainServer();
        }
    }

    void serverWritabilityChanged(ServerConnection c) {
        if (c == conn && c.channel.isWritable()) {
            drainClient();
        }
    }

    void serverClosed(ServerConnection c) {
        if (c == privateConn) {
            privateConn = null;
            c.owner = null;
            return;
        }
        if (c != conn || closed || serverPhase == ServerPhase.CONNECTING) {
            return;
        }
        drainServer();
        if (c != conn) {
            return;
        }
        BackendServer s = server;
        server = null;
        detachServer(false);
        switch (response) {
            case NONE, WAITING_HEAD, INTERIM -> {
                if (reusedConn && !bodySent && !replayed && response != ResponsePhase.INTERIM) {
                    // A kept-alive connection the server closed as we reused it: send the request again on a new one.
                    replayed = true;
                    server = s;
                    connect();
                } else {
                    s.observed(ObservedHealth.Event.HTTP_BROKEN_PIPE);
                    backend.release(s);
                    log.terminate(Cause.SERVER_ABORT, Phase.HEADERS);
                    sendError(502);
                }
            }
            case BODY -> {
                log.terminate(Cause.SERVER_ABORT, Phase.DATA);
                abort();
            }
            case COMPLETE -> {
            }
        }
    }

    private void drainServer() {
        while (!closed && !serverIn.isEmpty() && conn != null) {
            Object m = serverIn.poll();
            if (m instanceof HttpResponse r
                    && (response == ResponsePhase.WAITING_HEAD || response == ResponsePhase.INTERIM)) {
                beginResponse(r);
            } else if (m instanceof HttpContent c && response == ResponsePhase.INTERIM) {
                writeClient(c);
                response = ResponsePhase.WAITING_HEAD;
            } else if (m instanceof HttpContent c && response == ResponsePhase.BODY) {
                forwardResponseContent(c);
            } else {
                // Bytes the server had no business sending now: this connection cannot be trusted.
                ReferenceCountUtil.release(m);
                serverKeepAlive = false;
                if (response != ResponsePhase.COMPLETE) {
                    if (response != ResponsePhase.BODY) {
                        observed(ObservedHealth.Event.HTTP_HDRRSP);
                    }
                    detachServer(true);
                    log.terminate(Cause.PROXY, response == ResponsePhase.BODY ? Phase.DATA : Phase.HEADERS);
                    abortOrError(502);
                }
            }
        }
        LoopThread.flushSoon(client);
        maybeReadServer();
    }

    private void maybeReadServer() {
        if (closed || conn == null || serverPhase != ServerPhase.CONNECTED || !serverIn.isEmpty()
                || !client.isWritable()) {
            return;
        }
        if (response == ResponsePhase.WAITING_HEAD || response == ResponsePhase.INTERIM
                || response == ResponsePhase.BODY) {
            conn.channel.read();
        }
    }

    private void beginResponse(HttpResponse r) {
        observed(r.decoderResult().isSuccess() ? ObservedHealth.Event.ofStatus(r.status().code())
                : ObservedHealth.Event.HTTP_HDRRSP);
        // As in HAProxy, response rules see final responses and 101, not other interim ones.
        if (r.decoderResult().isSuccess() && (r.status().code() >= 200 || r.status().code() == 101)
                && answered(ProxyRules.response(frontend, backend, sample, r), r)) {
            return;
        }
        boolean switching = r.status().code() == 101
                || (head.method().equals(HttpMethod.CONNECT) && r.status().codeClass() == HttpStatusClass.SUCCESS);
        if (switching && upgradeRequested && request == RequestPhase.COMPLETE && clientIn.isEmpty()
                && r.decoderResult().isSuccess()) {
            switchProtocols(r);
            return;
        }
        // A 101 nobody asked for, or before the request ended, or with the client already talking.
        if (r.decoderResult().isFailure() || r.status().code() == 101) {
            ReferenceCountUtil.release(r);
            detachServer(true);
            log.terminate(Cause.PROXY, Phase.HEADERS);
            sendError(502);
            return;
        }
        if (r.status().code() < 200) {
            ConnectionHeaders.stripHopByHop(r.headers());
            response = ResponsePhase.INTERIM;
            writeClient(r);
            return;
        }
        // Any final answer but 101 refuses the upgrade: the connection stays HTTP.
        upgradeRequested = false;
        boolean bodyless = ConnectionHeaders.bodyless(head.method(), r);
        boolean delimited = bodyless || ConnectionHeaders.delimited(r);
        serverKeepAlive &= ConnectionHeaders.wantsKeepAlive(r) && delimited;
        if (!delimited) {
            if (head.protocolVersion().equals(HttpVersion.HTTP_1_1) && clientKeepAlive) {
                // A body that ends when the server closes: chunk it so the client connection can stay.
                HttpUtil.setTransferEncodingChunked(r, true);
            } else {
                clientKeepAlive = false;
            }
        }
        if (runtime.stopping()) {
            clientKeepAlive = false;
        }
        if (request != RequestPhase.COMPLETE) {
            // The server answers before the request ended: finish this response, then close both sides.
            clientKeepAlive = false;
            serverKeepAlive = false;
        }
        ConnectionHeaders.forClient(r, head, clientKeepAlive);
        log.response(r);
        response = ResponsePhase.BODY;
        deadlines.startIdle(Deadline.CLIENT, clientIdle());
        writeClient(r);
    }

    /**
     * The server switched protocols ({@code 101}, or a {@code 2xx} to {@code CONNECT}): send its
     * answer to the client, and from here both
     * connections are a byte tunnel ({@link TcpStream}) with half-close and the tunnel deadlines.
     * The HTTP codecs leave both pipelines; bytes they held, and bytes the server sent after its
     * {@code 101}, go through the tunnel in order.
     */
    private void switchProtocols(HttpResponse r) {
        if (r.status().code() == 101) {
            ConnectionHeaders.forSwitch(r);
        } else {
            ConnectionHeaders.stripHopByHop(r.headers());
        }
        log.response(r);
        response = ResponsePhase.COMPLETE;
        ServerConnection c = conn;
        BackendServer slot = server;
        conn = null;
        server = null;
        serverPhase = ServerPhase.NONE;
        c.owner = null;
        closed = true;
        deadlines.close();
        writeClient(r);
        client.write(LastHttpContent.EMPTY_LAST_CONTENT, client.voidPromise());
        TcpStream tunnel = TcpStream.switched(runtime, frontend, backend, client, c.channel, slot, log);
        Ferry.watch(client, tunnel);
        Object m;
        while ((m = serverIn.poll()) != null) {
            if (m instanceof ByteBuf b) {
                tunnel.data(TcpStream.Side.SERVER, b);
            } else {
                // The decoder's end of the 101 (no body).
                ReferenceCountUtil.release(m);
            }
        }
        c.channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline sp = c.channel.pipeline();
        sp.replace(ServerSideHandler.class, "tunnel", new TunnelHandler(tunnel, TcpStream.Side.SERVER));
        sp.remove(Http1ClientCodec.class);
        ChannelPipeline cp = client.pipeline();
        cp.replace(ClientSideHandler.class, "tunnel", new TunnelHandler(tunnel, TcpStream.Side.CLIENT));
        cp.remove(Http1ServerCodec.class);
        tunnel.started(clientInputShut);
    }

    private void forwardResponseContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            // The server closed or sent garbage in the middle of a body: the response cannot be completed.
            c.release();
            log.terminate(Cause.SERVER_ABORT, Phase.DATA);
            detachServer(true);
            abort();
            return;
        }
        writeClient(c);
        if (c instanceof LastHttpContent) {
            response = ResponsePhase.COMPLETE;
            endTransaction();
        }
    }

    private void writeClient(Object msg) {
        client.write(msg, client.voidPromise());
        deadlines.touch(Deadline.CLIENT);
    }

    // ---- end of a transaction, errors ---------------------------------------------------------

    private void endTransaction() {
        if (request != RequestPhase.COMPLETE) {
            clientKeepAlive = false;
        }
        if (conn != null) {
            releaseServer();
        }
        LoopThread.flushSoon(client);
        log.end(true);
        log.next();
        firstRequest = false;
        head = null;
        sample = null;
        attempts = null;
        backend = null;
        request = RequestPhase.WAITING;
        response = ResponsePhase.NONE;
        upgradeRequested = false;
        nextOrClose();
    }

    /**
     * Between transactions: closes once the last answer is sent when the connection is not kept;
     * otherwise waits for the client to take enough of it ({@link #drainWait}), then for the next request.
     */
    private void nextOrClose() {
        if (!clientKeepAlive || runtime.stopping() || (clientInputShut && clientIn.isEmpty())) {
            closeClientAfterFlush();
            return;
        }
        if (!client.isWritable()) {
            drainWait = true;
            deadlines.startIdle(Deadline.CLIENT, clientIdle());
            return;
        }
        waitForRequest();
    }

    /** Waits for the client's next request, under {@code timeout http-keep-alive}; one already here begins. */
    private void waitForRequest() {
        keepAliveWait = true;
        deadlines.clear(Deadline.CLIENT);
        deadlines.start(Deadline.HTTP_KEEP_ALIVE, clientTimeouts.keepAliveWait());
        drainClient();
    }

    /** The transaction is over: keep the server connection for later, or close it. */
    private void releaseServer() {
        ServerConnection c = conn;
        boolean keep = serverKeepAlive && c.isOpen() && serverIn.isEmpty();
        detachServer(!keep);
        if (keep) {
            if (backend.reuse() == io.ferry.config.Proxy.HttpReuse.NEVER) {
                privateConn = c;
                c.owner = this;
                c.channel.read();
            } else {
                pool().park(c);
            }
        }
    }

    /** Tells the current server's {@code observe} what this stream saw of it. */
    private void observed(ObservedHealth.Event e) {
        if (server != null) {
            server.observed(e);
        }
    }

    /** Lets go of the current server connection, closing it when asked. */
    private void detachServer(boolean close) {
        ServerConnection c = conn;
        conn = null;
        serverPhase = ServerPhase.NONE;
        deadlines.clear(Deadline.SERVER);
        deadlines.clear(Deadline.CONNECT);
        releaseAll(serverIn);
        if (server != null) {
            backend.release(server);
            server = null;
        }
        if (c != null) {
            c.owner = null;
            if (close) {
                c.channel.close();
            }
        }
    }

    /** A rule answered the request in {@code phase}: a deny is the proxy's refusal (P), a reply a local answer (L). */
    private boolean answered(HttpRules.Verdict v, Phase phase) {
        if (v == null) {
            return false;
        }
        log.terminate(v.denied() ? Cause.PROXY : Cause.LOCAL, phase);
        if (v.denied()) {
            sendError(v.status());
        } else {
            sendLocal(v.status(), false, close -> {
                if (close) {
                    v.reply().headers().add("connection", "close");
                }
                return v.reply();
            });
        }
        return true;
    }

    /** A response rule answered instead of the server's response {@code r}, whose connection cannot be reused. */
    private boolean answered(HttpRules.Verdict v, HttpResponse r) {
        if (v == null) {
            return false;
        }
        ReferenceCountUtil.release(r);
        detachServer(true);
        return answered(v, Phase.HEADERS);
    }

    /** Sends one of Ferry's own responses for the current request (an {@code errorfile}'s if any). */
    private void sendError(int status) {
        ErrorPages.Page page = ProxyRules.errorPage(status, frontend, backend);
        sendLocal(status, page.closes(), page.empty() ? null : page::response);
    }

    /**
     * Sends a response made here ({@code reply} gets whether the connection closes after it;
     * null sends nothing and closes), then goes on like a normal end.
     */
    private void sendLocal(int status, boolean mustClose, Function<Boolean, ? extends HttpResponse> reply) {
        leaveQueue();
        if (conn != null || server != null) {
            detachServer(true);
        }
        // A request body not read yet cannot be skipped safely unless it is already here in full.
        while (request == RequestPhase.BODY && clientIn.peek() instanceof HttpContent c
                && !(clientIn.peek() instanceof HttpRequest)) {
            clientIn.poll();
            boolean last = c instanceof LastHttpContent;
            c.release();
            if (last) {
                request = RequestPhase.COMPLETE;
            }
        }
        boolean close = mustClose || reply == null || request != RequestPhase.COMPLETE || !clientKeepAlive;
        clientKeepAlive = !close;
        serverKeepAlive = false;
        if (reply != null) {
            writeClient(reply.apply(close));
        }
        response = ResponsePhase.COMPLETE;
        log.status(status);
        if (status == 400 || status == 408 || status == 414 || status == 431) {
            // HAProxy 2.6 answers these before a stream exists and logs 0 bytes for them (414, 431: as 400).
            log.end(false);
        }
        endTransaction();
    }

    /** An error before the response started gets a status; after, the client connection is cut. */
    private void abortOrError(int status) {
        if (response == ResponsePhase.BODY) {
            abort();
        } else {
            sendError(status);
        }
    }

    /**
     * The response cannot be completed: close both connections (what was sent stays sent). No
     * deadline is left to pass before the close completes and to answer a transaction that is over.
     */
    private void abort() {
        if (conn != null || server != null) {
            detachServer(true);
        }
        deadlines.clearAll();
        client.flush();
        client.close();
    }

    /**
     * Closes the client connection once all that was written to it is sent. Writes carry no
     * future of their own (a failed one fires exceptionCaught, which closes); this one empty write
     * completes after all of them. Until then nothing more is read from the client or served, and a
     * client that does not take what was sent is closed after {@code timeout client} (or {@code
     * client-fin}) of inactivity, as HAProxy does.
     */
    private void closeClientAfterFlush() {
        if (closing) {
            return;
        }
        closing = true;
        deadlines.clear(Deadline.HTTP_KEEP_ALIVE);
        deadlines.clear(Deadline.HTTP_REQUEST);
        deadlines.startIdle(Deadline.CLIENT, clientIdle());
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void expired(Deadline kind) {
        if (closed) {
            return;
        }
        switch (kind) {
            case HTTP_REQUEST -> {
                if (request == RequestPhase.WAITING) {
                    clientKeepAlive = false;
                    log.terminate(Cause.CLIENT_TIMEOUT, Phase.REQUEST);
                    sendError(408);
                }
            }
            case HTTP_KEEP_ALIVE -> client.close();
            case CLIENT -> {
                long taking = Transport.takingSince(client, clientIdle());
                if (taking >= 0) {
                    // Slowly, the client takes what it was sent: Netty's write is not over, so nothing
                    // touched the deadline, but the kernel sent it bytes within the timeout.
                    deadlines.startIdleSince(Deadline.CLIENT, clientIdle(), taking);
                    return;
                }
                if (quietForTheServer()) {
                    deadlines.startIdle(Deadline.CLIENT, clientIdle());
                    return;
                }
                if (keepAliveWait || drainWait || closing) {
                    // Nothing of a transaction is pending, or the client does not take what it was sent.
                    client.close();
                } else if (response == ResponsePhase.NONE || response == ResponsePhase.WAITING_HEAD) {
                    clientKeepAlive = false;
                    log.terminate(Cause.CLIENT_TIMEOUT, request == RequestPhase.WAITING ? Phase.REQUEST : Phase.DATA);
                    sendError(408);
                } else {
                    log.terminate(Cause.CLIENT_TIMEOUT, Phase.DATA);
                    abort();
                }
            }
            case QUEUE -> {
                if (serverPhase == ServerPhase.QUEUED && attempts.giveUpWaiting()) {
                    serverPhase = ServerPhase.NONE;
                    log.leftQueue();
                    log.terminate(Cause.SERVER_TIMEOUT, Phase.QUEUE);
                    sendError(503);
                }
            }
            case CONNECT -> {
                if (serverPhase == ServerPhase.CONNECTING) {
                    connectTimedOut = true;
                    conn.channel.close();
                } else if (serverPhase == ServerPhase.RETRY_WAIT) {
                    connectTimedOut = false;
                    proceed(attempts.retry());
                }
            }
            case SERVER -> {
                long taking = conn == null ? -1 : Transport.takingSince(conn.channel, timeouts.server());
                if (taking >= 0) {
                    // The server takes the request's body slowly: as for the client above.
                    deadlines.startIdleSince(Deadline.SERVER, timeouts.server(), taking);
                    return;
                }
                if (quietForTheClient()) {
                    deadlines.startIdle(Deadline.SERVER, timeouts.server());
                    return;
                }
                // A server that takes nothing of the request's body is timed out in the data phase,
                // not as one that does not answer: as HAProxy 2.6, sD-- and no answer.
                boolean waitingHead = response == ResponsePhase.WAITING_HEAD || response == ResponsePhase.INTERIM;
                if (waitingHead && !(request == RequestPhase.BODY && holdsForTheServer())) {
                    observed(ObservedHealth.Event.HTTP_READ_TIMEOUT);
                    detachServer(true);
                    clientKeepAlive = false;
                    log.terminate(Cause.SERVER_TIMEOUT, Phase.HEADERS);
                    sendError(504);
                } else {
                    log.terminate(Cause.SERVER_TIMEOUT, Phase.DATA);
                    abort();
                }
            }
            default -> throw new IllegalStateException("deadline " + kind + " is not used in mode http");
        }
    }

    /**
     * Whether the server is quiet because Ferry stopped reading it while the client takes nothing
     * of the response ({@link #maybeReadServer}): its deadline then starts again, and the client's
     * own deadline, which runs meanwhile, ends the transaction as the client's timeout ({@code cD}),
     * as HAProxy 2.6 does. Not when the server does not take the request's body either: both are
     * stuck, and the first deadline to pass ends it.
     */
    private boolean quietForTheClient() {
        return response == ResponsePhase.BODY && conn != null && !client.isWritable()
                && conn.channel.isWritable() && deadlines.isSet(Deadline.CLIENT);
    }

    /**
     * The other way round: whether the client is quiet because Ferry stopped reading it while the
     * server takes nothing of the request's body ({@link #maybeReadClient}): the client's deadline
     * then starts again, and the server's, which runs meanwhile, ends the transaction ({@code sD}),
     * as HAProxy 2.6 does. Not when the client takes nothing of a response either.
     */
    private boolean quietForTheServer() {
        return request == RequestPhase.BODY && serverPhase == ServerPhase.CONNECTED && !conn.channel.isWritable()
                && client.isWritable() && deadlines.isSet(Deadline.SERVER);
    }

    /** Whether Ferry holds bytes of the request that the server has not taken. */
    private boolean holdsForTheServer() {
        return conn != null && (!conn.channel.isWritable() || Transport.pendingBytes(conn.channel) > 0);
    }

    /** The client connection closed while a transaction was open: where it was says what to log. */
    private void clientGone() {
        Phase phase;
        if (request == RequestPhase.WAITING) {
            // HAProxy logs a request that never came whole as a 400 with no bytes.
            phase = Phase.REQUEST;
            log.status(400);
        } else if (serverPhase == ServerPhase.QUEUED) {
            phase = Phase.QUEUE;
        } else if (serverPhase == ServerPhase.CONNECTING || serverPhase == ServerPhase.RETRY_WAIT) {
            phase = Phase.CONNECT;
        } else if (response == ResponsePhase.WAITING_HEAD || response == ResponsePhase.INTERIM) {
            phase = Phase.HEADERS;
        } else {
            phase = Phase.DATA;
        }
        log.terminate(Cause.CLIENT_ABORT, phase);
        log.end(request != RequestPhase.WAITING);
    }

    /** Empties {@code q} (null: nothing to do), releasing what it held; also used by {@link TcpStream}. */
    static void releaseAll(java.util.Queue<?> q) {
        if (q == null) {
            return;
        }
        Object m;
        while ((m = q.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public long id() {
        return log.stats.id;
    }

    @Override
    public StreamSnapshot snapshot() {
        StreamSnapshot.Side c = closed ? StreamSnapshot.Side.CLOSED
                : clientInputShut ? StreamSnapshot.Side.HALF_CLOSED_READ : StreamSnapshot.Side.ESTABLISHED;
        StreamSnapshot.Side s = conn == null ? StreamSnapshot.Side.NONE
                : serverPhase == ServerPhase.CONNECTING ? StreamSnapshot.Side.CONNECTING : StreamSnapshot.Side.ESTABLISHED;
        return log.snapshot(client, c, s, deadlines);
    }

    @Override
    public void kill(Cause cause) {
        log.killed(cause);
        if (cause != Cause.KILLED && server != null && !closed
                && (response == ResponsePhase.WAITING_HEAD || response == ResponsePhase.INTERIM)) {
            // Closed for its server's state while waiting for the answer: HAProxy 2.6 answers 502, "DH--".
            log.terminate(cause, Phase.HEADERS);
            sendError(502);
            return;
        }
        client.close();
    }

    @Override
    public BackendServer server() {
        return log.stats.server();
    }

    @Override
    public String toString() {
        return frontend.name() + " " + client.remoteAddress() + " request=" + request + " response=" + response
                + " server=" + serverPhase + " deadlines=" + deadlines.snapshot();
    }
}
