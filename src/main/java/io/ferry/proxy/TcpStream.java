package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ObservedHealth;
import io.ferry.balance.BalanceKey;
import io.ferry.config.ProxyOption;
import io.ferry.log.Termination.Cause;
import io.ferry.log.Termination.Phase;
import io.ferry.net.LoopThread;
import io.ferry.net.Transport;
import io.ferry.proxy.Deadlines.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection of a {@code mode tcp} frontend and its server connection: a byte tunnel
 * from accept, with real half-close.
 *
 * <p>Each connection has a direction state for what Ferry reads from it and one for what Ferry
 * writes to it. A FIN read from one side becomes, once everything read before it has been written,
 * a shutdown of output towards the other side; the stream ends when both sides have sent their FIN
 * (or on a reset, or when a deadline passes). Once Ferry has shut its output towards a side and
 * waits for that side's FIN, the side's inactivity deadline is its fin timeout (see
 * {@link TunnelTimeouts}): a peer that vanished without a FIN never holds sockets longer.
 *
 * <p>Reads are on demand: a side is read only when the other side's connection can take more.
 */
final class TcpStream implements QueueEntry.Waiter, StreamView {

    /** The two connections of a stream. */
    enum Side { CLIENT, SERVER }

    /** One direction of one connection. */
    enum Direction { OPEN, SHUT }

    /** The server connection's progress. */
    enum ServerPhase { NONE, QUEUED, CONNECTING, RETRY_WAIT, SWITCHING, CONNECTED }

    private final ProxyRuntime runtime;
    private final Backend backend;
    private final Channel client;
    private final TunnelTimeouts timeouts;
    final Deadlines deadlines;
    private final BalanceKey key;
    /**
     * What the client sent before the server was connected, and what the server sent while an HTTP
     * stream was switching to this tunnel. Made when first needed and dropped once carried, so that
     * an idle tunnel holds neither.
     */
    private ArrayDeque<ByteBuf> early;
    private ArrayDeque<ByteBuf> switchingFromServer;
    private final ServerAttempts attempts;

    private Direction clientRead = Direction.OPEN;
    private Direction clientWrite = Direction.OPEN;
    private Direction serverRead = Direction.OPEN;
    private Direction serverWrite = Direction.OPEN;
    /** Ferry's FIN went to the side, whose connection now closes on its own FIN (see {@link #shutOutput}). */
    private boolean clientFinCloses;
    private boolean serverFinCloses;
    private ServerPhase phase = ServerPhase.NONE;
    private Channel server;
    private BackendServer slot;
    private boolean closed;
    /** The connections whose closing flush is not over yet (see {@link #close}). */
    private int closingFlushes;
    /**
     * What each side had left to take when its closing flush's deadline was last armed; made only
     * for a flush that does not complete at once, so that an idle tunnel does not hold it.
     */
    private long[] unsent;
    private final StreamLogger log;
    private boolean connectTimedOut;
    private int retries;

    TcpStream(ProxyRuntime runtime, Frontend frontend, Channel client) {
        this(runtime, frontend, frontend.defaultBackend(), client, new StreamLogger(frontend, client), true);
    }

    private TcpStream(ProxyRuntime runtime, Frontend frontend, Backend backend, Channel client, StreamLogger log,
                      boolean balance) {
        this.runtime = runtime;
        this.backend = backend;
        this.client = client;
        this.timeouts = backend == null ? null : frontend.tunnelTimeouts(backend);
        this.deadlines = new Deadlines(LoopThread::nanoTime, runtime.scheduler(client.eventLoop()), this::expired);
        this.key = new SourceKey(client);
        this.attempts = backend == null || !balance ? null
                : new ServerAttempts(backend, key, this, client.eventLoop());
        this.log = log;
    }

    /**
     * The tunnel an HTTP stream becomes once its server answered {@code 101 Switching Protocols}:
     * both connections are up, {@code slot} is the server slot it holds until it ends, and the
     * transaction's log line is written when the tunnel ends. Until {@link #started}, while the
     * caller takes the HTTP codecs out of both pipelines and puts a {@link TunnelHandler} on each,
     * what {@link #data} gets from either side waits.
     */
    static TcpStream switched(ProxyRuntime runtime, Frontend frontend, Backend backend, Channel client,
                              Channel server, BackendServer slot, StreamLogger log) {
        TcpStream t = new TcpStream(runtime, frontend, backend, client, log, false);
        t.server = server;
        t.slot = slot;
        t.phase = ServerPhase.SWITCHING;
        return t;
    }

    /**
     * A {@link #switched} tunnel starts: what waited is written, the deadlines start, both sides
     * are read. {@code clientFinSeen}: the client's FIN came while the request waited for its
     * answer; the tunnel forwards it to the server.
     */
    void started(boolean clientFinSeen) {
        carry();
        if (clientFinSeen) {
            inputShutdown(Side.CLIENT);
        }
        maybeRead(Side.SERVER);
        maybeRead(Side.CLIENT);
    }

    void clientActive() {
        if (backend == null) {
            client.close();
            return;
        }
        deadlines.startIdle(Deadline.CLIENT, timeouts.client());
        log.routed(backend);
        proceed(attempts.choose());
        // Whatever the client says first waits (one read's worth) until the server is connected.
        maybeRead(Side.CLIENT);
    }

    // ---- server selection and connection -----------------------------------------------------

    private void proceed(ServerAttempts.Outcome outcome) {
        switch (outcome) {
            case SERVER -> connect(attempts.server());
            case QUEUED -> {
                phase = ServerPhase.QUEUED;
                log.queued(backend);
                deadlines.start(Deadline.QUEUE, timeouts.queue());
            }
            case REFUSED -> {
                log.terminate(Cause.SERVER_ABORT, backend.queued() > 0 ? Phase.QUEUE : Phase.CONNECT);
                close();
            }
        }
    }

    @Override
    public void dequeued(QueueEntry e, BackendServer s) {
        if (closed || !attempts.dequeued(e, s)) {
            e.backend.release(s);
            return;
        }
        deadlines.clear(Deadline.QUEUE);
        connect(s);
    }

    private void connect(BackendServer s) {
        slot = s;
        log.serverAssigned(s);
        phase = ServerPhase.CONNECTING;
        Channel ch = runtime.newTunnelChannel(client.eventLoop(), s, backend.model, this);
        if (ch == null) {
            connectFailed(true);
            return;
        }
        server = ch;
        deadlines.start(Deadline.CONNECT, timeouts.connect());
        ch.connect(runtime.serverAddress(s, client)).addListener((ChannelFutureListener) f -> {
            if (server != ch || closed) {
                ch.close();
            } else if (f.isSuccess()) {
                connected();
            } else {
                connectFailed();
            }
        });
    }

    private void connected() {
        slot.observed(ObservedHealth.Event.L4_OK);
        log.connected();
        deadlines.clear(Deadline.CONNECT);
        carry();
        if (clientRead == Direction.SHUT) {
            shutOutput(Side.SERVER);
        }
        maybeRead(Side.SERVER);
        maybeRead(Side.CLIENT);
    }

    private boolean noEarlyData() {
        return early == null || early.isEmpty();
    }

    /**
     * Both connections are up: the stream is a tunnel from now on. What waited for this (the
     * client's first bytes, the server's bytes behind a 101) is written, and the tunnel deadlines start.
     */
    private void carry() {
        phase = ServerPhase.CONNECTED;
        log.state(ProxyCounters.ConnState.TUNNEL);
        tunnelDeadlines();
        ByteBuf b;
        if (early != null) {
            while ((b = early.poll()) != null) {
                server.write(b);
            }
            early = null;
        }
        if (switchingFromServer != null) {
            while ((b = switchingFromServer.poll()) != null) {
                writeClient(b);
            }
            switchingFromServer = null;
        }
        client.flush();
        server.flush();
    }

    /** timeout tunnel replaces client and server once both sides are connected. */
    private void tunnelDeadlines() {
        if (timeouts.tunnel() > 0) {
            deadlines.clear(Deadline.CLIENT);
            deadlines.clear(Deadline.SERVER);
            deadlines.startIdle(Deadline.TUNNEL, timeouts.tunnel());
        } else {
            deadlines.startIdle(Deadline.CLIENT, timeouts.client());
            deadlines.startIdle(Deadline.SERVER, timeouts.server());
        }
    }

    private void connectFailed() {
        connectFailed(false);
    }

    /**
     * The attempt to connect failed; {@code noSocket} when no socket could even be had, for lack of
     * descriptors or memory: the server is not to blame and its health is not told, and without a
     * retry that succeeds the log says {@code RC} (resource, at connect).
     */
    private void connectFailed(boolean noSocket) {
        deadlines.clear(Deadline.CONNECT);
        Channel ch = server;
        server = null;
        if (ch != null) {
            ch.close();
        }
        BackendServer failedServer = slot;
        slot = null;
        if (!noSocket) {
            failedServer.observed(ObservedHealth.Event.L4_ERR);
        }
        if (attempts.connectFailed(failedServer)) {
            log.retries(++retries);
            phase = ServerPhase.RETRY_WAIT;
            deadlines.start(Deadline.CONNECT, timeouts.retryDelay());
        } else {
            phase = ServerPhase.NONE;
            log.terminate(noSocket ? Cause.RESOURCE : connectTimedOut ? Cause.SERVER_TIMEOUT : Cause.SERVER_ABORT,
                    Phase.CONNECT);
            close();
        }
    }

    // ---- bytes and half-close ---------------------------------------------------------------

    /** Writes bytes to the client, counted as sent to it (the log's {@code %B}). */
    private void writeClient(ByteBuf b) {
        log.stats.written(b.readableBytes());
        client.write(b);
    }

    /** Bytes read from {@code side}; the client's are counted as received from it (the log's {@code %U}). */
    void data(Side side, ByteBuf b) {
        if (side == Side.CLIENT) {
            log.stats.read(b.readableBytes());
        }
        if (closed) {
            b.release();
            return;
        }
        // One reading of the clock for every deadline these bytes move.
        long now = deadlines.now();
        touch(side, now);
        if (side == Side.CLIENT) {
            if (phase == ServerPhase.CONNECTED && serverWrite == Direction.OPEN) {
                server.write(b);
                touch(Side.SERVER, now);
            } else if (phase != ServerPhase.CONNECTED) {
                if (early == null) {
                    early = new ArrayDeque<>(4);
                }
                early.add(b);
            } else {
                b.release();
            }
        } else if (phase == ServerPhase.SWITCHING) {
            if (switchingFromServer == null) {
                switchingFromServer = new ArrayDeque<>(4);
            }
            switchingFromServer.add(b);
        } else if (clientWrite == Direction.OPEN) {
            writeClient(b);
            touch(Side.CLIENT, now);
        } else {
            b.release();
        }
    }

    private void touch(Side side, long now) {
        deadlines.touch(Deadline.TUNNEL, now);
        if (side == Side.CLIENT) {
            deadlines.touch(Deadline.CLIENT, now);
            deadlines.touch(Deadline.CLIENT_FIN, now);
        } else {
            deadlines.touch(Deadline.SERVER, now);
            deadlines.touch(Deadline.SERVER_FIN, now);
        }
    }

    void readComplete(Side side) {
        if (side == Side.CLIENT) {
            if (phase == ServerPhase.CONNECTED) {
                server.flush();
            }
        } else {
            client.flush();
        }
        maybeRead(side);
    }

    void writabilityChanged(Side side) {
        Channel ch = side == Side.CLIENT ? client : server;
        if (ch == null) {
            return;
        }
        if (ch.isWritable()) {
            maybeRead(side == Side.CLIENT ? Side.SERVER : Side.CLIENT);
        }
        if (!closed && (side == Side.CLIENT ? clientRead : serverRead) == Direction.SHUT) {
            takingAfterFin(side);
        }
    }

    /**
     * A side that sent its FIN has nothing more to send, so its deadlines were cleared; what Ferry
     * still writes to it must be taken all the same. While Ferry holds more for it than Netty lets
     * through (the channel is not writable, and Ferry has stopped reading the other side for it),
     * its fin timeout runs: a side that half-closed and stopped reading is reset then, as its own
     * timeout ({@code cD}, {@code sD}), not the other side's, which only waits on it.
     */
    private void takingAfterFin(Side side) {
        Deadline fin = side == Side.CLIENT ? Deadline.CLIENT_FIN : Deadline.SERVER_FIN;
        if (waitedOn(side)) {
            deadlines.startIdle(fin, finTimeout(side));
        } else {
            deadlines.clear(fin);
        }
    }

    /** Whether one of {@code side}'s deadlines, or the tunnel's, is armed. */
    private boolean hasDeadline(Side side) {
        return deadlines.isSet(Deadline.TUNNEL) || (side == Side.CLIENT
                ? deadlines.isSet(Deadline.CLIENT) || deadlines.isSet(Deadline.CLIENT_FIN)
                : deadlines.isSet(Deadline.SERVER) || deadlines.isSet(Deadline.SERVER_FIN));
    }

    /**
     * Whether Ferry has stopped reading the other side because {@code side} has not taken what
     * Ferry has for it: the other side is then quiet because of {@code side}, not inactive.
     */
    private boolean waitedOn(Side side) {
        if (phase != ServerPhase.CONNECTED) {
            return false;
        }
        return side == Side.CLIENT ? serverRead == Direction.OPEN && !client.isWritable()
                : clientRead == Direction.OPEN && !server.isWritable();
    }

    private void maybeRead(Side side) {
        if (closed) {
            return;
        }
        if (side == Side.CLIENT) {
            boolean room = phase == ServerPhase.CONNECTED ? server.isWritable() : noEarlyData();
            if (clientRead == Direction.OPEN && room) {
                client.read();
            }
        } else if (phase == ServerPhase.CONNECTED && serverRead == Direction.OPEN && client.isWritable()) {
            server.read();
        }
    }

    /**
     * A FIN from {@code side}: forward it as a shutdown of output towards the other side. Once both
     * FINs are in, the stream closes: closing each connection sends the FIN still owed to it after
     * what is left to write, so no separate shutdown is made for the last one.
     */
    void inputShutdown(Side side) {
        if (closed) {
            return;
        }
        if (side == Side.CLIENT) {
            clientRead = Direction.SHUT;
            // Nothing more is expected from the client; the server side's deadlines keep the stream
            // bounded, and the client's fin timeout while it does not take what Ferry has for it.
            deadlines.clear(Deadline.CLIENT);
            takingAfterFin(Side.CLIENT);
            if (phase != ServerPhase.CONNECTED && (noEarlyData() || backend.model.option(ProxyOption.ABORTONCLOSE))) {
                log.terminate(Cause.CLIENT_ABORT, phase == ServerPhase.QUEUED ? Phase.QUEUE : Phase.CONNECT);
                close();
                return;
            }
        } else {
            serverRead = Direction.SHUT;
            deadlines.clear(Deadline.SERVER);
            takingAfterFin(Side.SERVER);
        }
        if (clientRead == Direction.SHUT && serverRead == Direction.SHUT) {
            close();
        } else if (side == Side.SERVER) {
            shutOutput(Side.CLIENT);
        } else if (phase == ServerPhase.CONNECTED) {
            shutOutput(Side.SERVER);
        }
    }

    /**
     * Shuts output towards {@code side} once what was written before has gone; starts its fin
     * deadline. From then on the side's own FIN closes its connection outright (half-closure off):
     * its input has nothing more to give, and a shutdown of input on a connection whose two FINs
     * have crossed only fails, at the price of an exception in the transport.
     */
    private void shutOutput(Side side) {
        Channel ch = side == Side.CLIENT ? client : server;
        if (side == Side.CLIENT) {
            clientWrite = Direction.SHUT;
        } else {
            serverWrite = Direction.SHUT;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (ch.isActive()) {
                Transport.shutdownOutput(ch);
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                if (side == Side.CLIENT) {
                    clientFinCloses = true;
                } else {
                    serverFinCloses = true;
                }
            }
        });
        if (side == Side.CLIENT && clientRead == Direction.OPEN) {
            log.state(ProxyCounters.ConnState.HALF_CLOSED_CLIENT);
            deadlines.clear(Deadline.CLIENT);
            deadlines.startIdle(Deadline.CLIENT_FIN, timeouts.clientFin());
        } else if (side == Side.SERVER && serverRead == Direction.OPEN) {
            log.state(ProxyCounters.ConnState.HALF_CLOSED_SERVER);
            deadlines.clear(Deadline.SERVER);
            deadlines.startIdle(Deadline.SERVER_FIN, timeouts.serverFin());
        }
    }

    /** A read on {@code side}'s connection failed (a reset): its close that follows is no FIN. */
    void failed(Side side) {
        if (side == Side.CLIENT) {
            clientFinCloses = false;
        } else {
            serverFinCloses = false;
        }
    }

    void closed(Side side) {
        if (side == Side.SERVER && phase == ServerPhase.CONNECTING) {
            return;
        }
        // After Ferry's FIN, a connection that closes without an error closed on the side's own FIN.
        if (!closed && (side == Side.CLIENT ? clientFinCloses : serverFinCloses)) {
            inputShutdown(side);
        }
        // A close before both FINs were seen: that side aborted (a reset, or a close without a FIN).
        if (!closed) {
            log.terminate(side == Side.CLIENT ? Cause.CLIENT_ABORT : Cause.SERVER_ABORT,
                    phase == ServerPhase.CONNECTED ? Phase.DATA : phase == ServerPhase.QUEUED ? Phase.QUEUE : Phase.CONNECT);
        }
        close();
    }

    /**
     * Ends the stream: both connections close once what was already written to them has gone to the
     * kernel. A side that does not take it (it stopped reading, its window is shut) gets its fin
     * timeout for this last flush, as HAProxy bounds its last writes by the side's timeout: the
     * flush is reset when it has made no progress for that long ({@link #closingExpired}). The
     * stream's line is logged, and it leaves the counts, once both connections are closed.
     */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (attempts != null) {
            attempts.leaveQueue();
        }
        if (slot != null) {
            backend.release(slot);
            slot = null;
        }
        // The line shows the counts as the stream ends, not as its last flush does.
        log.takeCounters();
        deadlines.clearAll();
        HttpStream.releaseAll(early);
        HttpStream.releaseAll(switchingFromServer);
        early = null;
        switchingFromServer = null;
        // Held until both flushes are under way: one that completes at once must not end the stream alone.
        closingFlushes = 1;
        closeAfterFlush(Side.CLIENT, client);
        if (server != null) {
            closeAfterFlush(Side.SERVER, server);
        }
        if (--closingFlushes == 0) {
            ended();
        }
    }

    private void closeAfterFlush(Side side, Channel ch) {
        if (!ch.isActive()) {
            ch.close();
            return;
        }
        closingFlushes++;
        ChannelFuture flushed = ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
        flushed.addListener((ChannelFutureListener) f -> {
            ch.close();
            if (--closingFlushes == 0) {
                ended();
            }
        });
        if (!flushed.isDone()) {
            Deadline kind = side == Side.CLIENT ? Deadline.CLIENT_FIN : Deadline.SERVER_FIN;
            if (unsent == null) {
                unsent = new long[2];
            }
            unsent[side.ordinal()] = Transport.pendingBytes(ch);
            deadlines.startIdle(kind, finTimeout(side));
        }
    }

    /** The side's fin timeout, never 0 (see {@link TunnelTimeouts}); a stream with no backend has none set. */
    private long finTimeout(Side side) {
        if (timeouts == null) {
            return TunnelTimeouts.DEFAULT_FIN_CAP_MS;
        }
        return side == Side.CLIENT ? timeouts.clientFin() : timeouts.serverFin();
    }

    /**
     * A closing flush's deadline passed. A side that took bytes within the period (the kernel sent
     * it data, or Netty handed the kernel more) is slow but alive: its deadline moves to a period
     * after that. Otherwise its connection is reset, and the stream logged as that side's timeout
     * ({@code cD}, {@code sD}).
     */
    private void closingExpired(Deadline kind) {
        Side side = kind == Deadline.CLIENT_FIN ? Side.CLIENT : Side.SERVER;
        Channel ch = side == Side.CLIENT ? client : server;
        if (ch == null || !ch.isActive()) {
            return;
        }
        long period = finTimeout(side);
        long left = Transport.pendingBytes(ch);
        long taking = Transport.takingSince(ch, period);
        if (taking >= 0 || left < unsent[side.ordinal()]) {
            unsent[side.ordinal()] = left;
            deadlines.startIdleSince(kind, period, Math.max(0, taking));
            return;
        }
        log.terminate(side == Side.CLIENT ? Cause.CLIENT_TIMEOUT : Cause.SERVER_TIMEOUT, Phase.DATA);
        Transport.resetOnClose(ch);
        ch.close();
    }

    /** Both connections are closed: the stream's line, and it leaves the counts. */
    private void ended() {
        deadlines.close();
        log.end(true);
        log.closed();
    }

    private void expired(Deadline kind) {
        if (closed) {
            closingExpired(kind);
            return;
        }
        switch (kind) {
            case CONNECT -> {
                if (phase == ServerPhase.CONNECTING) {
                    connectTimedOut = true;
                    server.close();
                } else if (phase == ServerPhase.RETRY_WAIT) {
                    connectTimedOut = false;
                    proceed(attempts.retry());
                }
            }
            case QUEUE -> {
                if (phase == ServerPhase.QUEUED && attempts.giveUpWaiting()) {
                    log.leftQueue();
                    log.terminate(Cause.SERVER_TIMEOUT, Phase.QUEUE);
                    close();
                }
            }
            // A half-closed side that never sent its FIN, or that sent it and stopped taking what
            // Ferry has for it: reset, or the kernel keeps the socket on.
            case CLIENT_FIN, SERVER_FIN -> {
                if (stillTaking(kind) || waitingOnTheOther(kind)) {
                    return;
                }
                log.terminate(kind == Deadline.CLIENT_FIN ? Cause.CLIENT_TIMEOUT : Cause.SERVER_TIMEOUT, Phase.DATA);
                closeNow(true);
            }
            // Inactivity: close; reset only a side that stopped reading what was sent to it.
            default -> {
                if (stillTaking(kind) || waitingOnTheOther(kind)) {
                    return;
                }
                log.terminate(kind == Deadline.SERVER ? Cause.SERVER_TIMEOUT : Cause.CLIENT_TIMEOUT, Phase.DATA);
                closeNow(false);
            }
        }
    }

    /**
     * A deadline of one side ({@code kind} is the side's inactivity or fin deadline) passed while
     * Ferry was not reading that side because the other has not taken what Ferry has for it (and
     * the side takes what Ferry has for it): the side is quiet because of the other, as HAProxy
     * does not count a side's inactivity while its buffer towards the other side is full. The
     * deadline starts again; the other side's own deadline ends the stream if it stays stuck, as
     * its timeout. Two sides that each wait on the other are both stuck, and the first deadline to
     * pass ends the stream; so does this one when the other side has no deadline (its timeout is
     * not set), and the tunnel's, which is both sides'.
     */
    private boolean waitingOnTheOther(Deadline kind) {
        Side side;
        switch (kind) {
            case CLIENT, CLIENT_FIN -> side = Side.CLIENT;
            case SERVER, SERVER_FIN -> side = Side.SERVER;
            default -> {
                return false;
            }
        }
        Side other = side == Side.CLIENT ? Side.SERVER : Side.CLIENT;
        if (!waitedOn(other) || waitedOn(side) || !hasDeadline(other)) {
            return false;
        }
        deadlines.startIdle(kind, timeoutOf(kind));
        return true;
    }

    /** The timeout of a side's inactivity or fin deadline, or of the tunnel's. */
    private long timeoutOf(Deadline kind) {
        return switch (kind) {
            case CLIENT -> timeouts.client();
            case SERVER -> timeouts.server();
            case TUNNEL -> timeouts.tunnel();
            case CLIENT_FIN -> finTimeout(Side.CLIENT);
            case SERVER_FIN -> finTimeout(Side.SERVER);
            default -> 0;
        };
    }

    /**
     * An inactivity deadline passed while its side (either side, for {@code timeout tunnel}) was
     * still taking what Ferry had for it, slowly: bytes left the kernel towards it within the
     * timeout, though Netty's write (on io_uring, the whole write) is not over, so nothing touched
     * the deadline. It then counts from the side's last taking, and the stream goes on.
     */
    private boolean stillTaking(Deadline kind) {
        long timeout = timeoutOf(kind);
        long since = -1;
        if (kind != Deadline.SERVER && kind != Deadline.SERVER_FIN) {
            since = Transport.takingSince(client, timeout);
        }
        if (kind != Deadline.CLIENT && kind != Deadline.CLIENT_FIN && phase == ServerPhase.CONNECTED) {
            long s = Transport.takingSince(server, timeout);
            since = since < 0 ? s : s < 0 ? since : Math.min(since, s);
        }
        if (since < 0) {
            return false;
        }
        deadlines.startIdleSince(kind, timeout, since);
        return true;
    }

    /**
     * A deadline passed: the peer is gone or stuck; both connections close now. With {@code reset}
     * (and for a side that stopped reading) they are reset (SO_LINGER 0), so that the kernel does
     * not keep an orphaned FIN_WAIT2 or FIN_WAIT1 socket for its own timeouts either.
     */
    private void closeNow(boolean reset) {
        noLinger(client, reset);
        if (server != null) {
            noLinger(server, reset);
        }
        close();
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private static void noLinger(Channel ch, boolean reset) {
        if (reset || !ch.isWritable()) {
            Transport.resetOnClose(ch);
        }
    }

    @Override
    public Deadlines deadlines() {
        return deadlines;
    }

    @Override
    public long id() {
        return log.stats.id;
    }

    @Override
    public StreamSnapshot snapshot() {
        StreamSnapshot.Side serverSide = switch (phase) {
            case NONE, QUEUED, RETRY_WAIT -> StreamSnapshot.Side.NONE;
            case CONNECTING -> StreamSnapshot.Side.CONNECTING;
            case SWITCHING, CONNECTED -> side(serverRead, serverWrite);
        };
        return log.snapshot(client, side(clientRead, clientWrite), serverSide, deadlines);
    }

    private StreamSnapshot.Side side(Direction read, Direction write) {
        if (closed || (read == Direction.SHUT && write == Direction.SHUT)) {
            return StreamSnapshot.Side.CLOSED;
        }
        return read == Direction.SHUT ? StreamSnapshot.Side.HALF_CLOSED_READ
                : write == Direction.SHUT ? StreamSnapshot.Side.HALF_CLOSED_WRITE : StreamSnapshot.Side.ESTABLISHED;
    }

    @Override
    public void kill(Cause cause) {
        log.killed(cause);
        if (cause != Cause.KILLED && !closed) {
            // HAProxy 2.6 logs a tunnel closed for its server's state with no phase: "D-", "U-".
            log.terminate(cause, Phase.NONE);
        }
        closed(Side.CLIENT);
        client.close();
    }

    @Override
    public BackendServer server() {
        return log.stats.server();
    }

    /** What the stream looks like now, for diagnostics. */
    @Override
    public String toString() {
        return "tcp " + client.remoteAddress() + " client read=" + clientRead + " write=" + clientWrite
                + " server " + phase + " read=" + serverRead + " write=" + serverWrite
                + " deadlines=" + deadlines.snapshot();
    }

    /** Hash-based algorithms in mode tcp can only hash the source; the others fall back to round-robin. */
    private record SourceKey(Channel client) implements BalanceKey {
        @Override
        public InetAddress source() {
            return client.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        }
    }
}
