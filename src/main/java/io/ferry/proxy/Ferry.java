package io.ferry.proxy;

import io.ferry.balance.HealthChecks;
import io.ferry.balance.ServerEvents;
import io.ferry.config.Address;
import io.ferry.config.Bind;
import io.ferry.config.Config;
import io.ferry.config.Mode;
import io.ferry.config.TimeoutKind;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.http.Http1ServerCodec;
import io.ferry.http.Http1Settings;
import io.ferry.log.AccessLogs;
import io.ferry.log.Termination.Cause;
import io.ferry.net.ConnectionLimit;
import io.ferry.net.Descriptors;
import io.ferry.net.ListenerGroup;
import io.ferry.net.SocketBuffers;
import io.ferry.net.Transport;
import io.ferry.net.UnixSocketFile;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ferry: the listeners and streams built from one {@link Config}.
 *
 * <pre>{@code
 * try (Ferry ferry = Ferry.start(config)) {
 *     ferry.awaitClose();
 * }
 * }</pre>
 *
 * <p>{@link #start} refuses a configuration that uses something the runtime does not implement yet
 * ({@link NotImplementedException}, naming each use) and fails with {@link IllegalStateException}
 * when an address cannot be bound.
 */
public final class Ferry implements AutoCloseable {

    private final Transport transport;
    private final SharedLoops loops;
    private final Clock clock;
    /**
     * Every older generation that was still finishing its streams when this one replaced the one
     * before it (that one included): the whole list, not a chain to follow, so that stopping and
     * waiting take one pass however many reloads came in a row. Emptied when this generation, once
     * replaced, has closed: its successor's own list covers the older ones.
     */
    private final List<Ferry> predecessors = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether {@link #reload} has replaced this generation. */
    private volatile boolean replaced;
    private final ListenerGroup listeners;
    private final ProxyRuntime runtime;
    private final ChannelGroup clients;
    private final AccessLogs logs;
    /** Completed once closed; {@link #awaitClose} waits on it, or on the loops' failure. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean softStopping = new java.util.concurrent.atomic.AtomicBoolean();
    private final long hardStopAfterMs;
    private int derivedMaxconn;
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final List<String> notices = new ArrayList<>();
    private final java.util.Set<String> noticedBackends = new java.util.HashSet<>();
    private final HealthChecks checks = new HealthChecks();
    private final Map<String, Frontend> frontends = new LinkedHashMap<>();
    private final Config config;
    private final long startMillis = System.currentTimeMillis();
    private ConnectionLimit globalLimit;
    private final List<FerryService.Running> services = new ArrayList<>();
    private final Map<String, HttpService> httpServices = new java.util.concurrent.ConcurrentHashMap<>();

    private static final Logger LOG = LoggerFactory.getLogger(Ferry.class);
    private static final AttributeKey<StreamView> STREAM = AttributeKey.valueOf("ferry.stream");

    private Ferry(Config config, Clock clock, Ferry previous) {
        this.config = config;
        transport = previous == null ? RuntimeSupport.transportFor(config) : previous.transport;
        RuntimeSupport.check(config, transport);
        this.clock = clock;
        logs = AccessLogs.start(config, clock);
        hardStopAfterMs = config.global().hardStopAfterMs();
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : config.global().nbproc() != null ? config.global().nbproc().value()
                : Runtime.getRuntime().availableProcessors();
        if (previous == null) {
            loops = new SharedLoops(transport, threads);
            loops.failure().thenAccept(why -> LOG.error("{}; Ferry cannot go on serving", why));
        } else {
            loops = previous.loops.retain();
            Transport wanted = RuntimeSupport.transportFor(config);
            if (wanted != transport) {
                notice("the reloaded configuration would run on " + wanted.displayName() + "; this process keeps "
                        + transport.displayName() + " until it is restarted");
            }
            if (threads != loops.threads) {
                notice("the reloaded configuration asks for " + threads + " event-loop threads; this process keeps "
                        + "its " + loops.threads + " until it is restarted");
            }
        }
        clients = new DefaultChannelGroup("ferry-clients", GlobalEventExecutor.INSTANCE);
        runtime = new ProxyRuntime(transport, config.global());
        listeners = new ListenerGroup(transport, loops.group, loops.group);
        try {
            List<ListenerGroup.Spec> specs = specs(config);
            // Services before the listeners: the frontends' use-service rules need theirs before the
            // first request. A reload takes the stats sockets over: the previous generation's close
            // first, and open again if this one fails to start.
            if (previous != null) {
                previous.closeServices();
            }
            startServices();
            checks.start(loops.group, transport, config.global().spreadChecks());
            // Last: what it takes over from the previous generation is not given back.
            listeners.bindAll(specs, previous == null ? null : previous.listeners);
        } catch (RuntimeException e) {
            closeServices();
            checks.close();
            listeners.closeAll();
            loops.release();
            if (previous != null) {
                previous.startServices();
            }
            logs.close();
            throw e;
        }
    }

    /**
     * Builds the runtime for {@code config} and starts serving.
     *
     * @throws NotImplementedException when the configuration uses what the runtime does not implement yet
     * @throws IllegalStateException when a listening address cannot be bound
     */
    public static Ferry start(Config config) {
        return new Ferry(config, Clock.systemDefaultZone(), null);
    }

    /** As {@link #start(Config)}, with the wall clock (and time zone) of the access logs' dates. */
    public static Ferry start(Config config, Clock clock) {
        return new Ferry(config, clock, null);
    }

    /**
     * Reloads: builds a new Ferry for {@code next} beside this one and returns it; this one then
     * stops softly, bounded by its own {@code hard-stop-after}, except that its idle kept-alive
     * connections are not closed: each serves one more request, with {@code Connection: close}, or
     * ends at its keep-alive deadline, so that no request a client is sending meets a closing socket.
     *
     * <p>The new Ferry takes over each listening socket whose address (or inherited descriptor) is
     * unchanged, so that no connection is refused: from the moment it returns, new connections are
     * the new Ferry's, and the streams open on this one finish under this one's rules. It runs on
     * this one's event loops and transport. Closing the new Ferry also closes this one, and its
     * {@link #awaitClose()} waits for this one too.
     *
     * <pre>{@code
     * Ferry next = ferry.reload(ConfigLoader.builder().build().load(files).valid().orElseThrow());
     * }</pre>
     *
     * @throws NotImplementedException as {@link #start}; this Ferry keeps serving, untouched
     * @throws IllegalStateException when a new address cannot be bound; this Ferry keeps serving, untouched
     */
    public Ferry reload(Config next) {
        if (closing.get() || softStopping.get()) {
            throw new IllegalStateException("this Ferry is stopping; there is nothing to reload");
        }
        Ferry successor = new Ferry(next, clock, this);
        replaced = true;
        successor.predecessors.add(this);
        for (Ferry older : predecessors) {
            if (!older.closed.isDone()) {
                successor.predecessors.add(older);
            }
        }
        beginSoftStop();
        return successor;
    }

    /**
     * Makes {@code stream} the one {@link #streamDeadlines}, a soft stop and the runtime API find
     * for client connection {@code ch}: its HTTP stream, then the tunnel it became, so that an idle
     * tunnel does not keep the finished exchange's state. One attribute per connection: the stream
     * holds its deadlines and its soft stop.
     */
    static void watch(Channel ch, StreamView stream) {
        ch.attr(STREAM).set(stream);
    }

    private List<ListenerGroup.Spec> specs(Config config) {
        for (Proxy p : config.backends()) {
            if (p.disabled()) {
                // As in HAProxy: not started; requests routed to it get 503, and its servers are not checked.
                notice(p + " (" + p.location() + ") is disabled: it is not started"
                        + (p.kind().isFrontend() ? "" : ", and requests routed to it get 503"));
                continue;
            }
            Backend backend = new Backend(p, config.proxies().indexOf(p) + 1, clock::millis, this::schedule,
                    this::cutStreams);
            backends.put(p.name(), backend);
            checks.add(p, backend.servers, backend.health);
        }
        int globalMax = globalMaxconn(config);
        ConnectionLimit global = new ConnectionLimit("global", globalMax);
        globalLimit = global;
        List<ListenerGroup.Spec> specs = new ArrayList<>();
        for (Proxy p : config.frontends()) {
            if (p.disabled()) {
                if (!p.kind().isBackend()) {
                    notice(p + " (" + p.location() + ") is disabled: it is not started");
                }
                continue;
            }
            ConnectionLimit feLimit = new ConnectionLimit(p.toString(),
                    p.maxconn() == null ? globalMax : p.maxconn().value());
            Frontend fe = new Frontend(p, config.proxies().indexOf(p) + 1, backends, logs.frontend(p.name()), global,
                    feLimit, httpServices);
            frontends.put(p.name(), fe);
            boolean keepAlive = p.option(ProxyOption.CLITCPKA) || p.option(ProxyOption.TCPKA);
            boolean tcp = p.mode().value() == Mode.TCP;
            finNotices(p, fe.reachable());
            // A TCP or a unix stream socket
            Http1Settings requestCodec = tcp ? null : runtime.requestCodec(p);
            java.util.function.Consumer<Channel> init = ch -> {
                clients.add(ch);
                if (tcp) {
                    // The tunnel counts the bytes of its connections itself.
                    transport.sliceTunnelReads(ch.config());
                    TcpStream stream = new TcpStream(runtime, fe, ch);
                    watch(ch, stream);
                    ch.pipeline().addLast(new TunnelHandler(stream, TcpStream.Side.CLIENT));
                } else {
                    HttpStream stream = new HttpStream(runtime, fe, ch);
                    watch(ch, stream);
                    Http1ServerCodec codec = new Http1ServerCodec(requestCodec, stream::clientBytes, stream.counts());
                    stream.decodesWith(codec);
                    ch.pipeline().addLast(codec, new ClientSideHandler(stream));
                }
            };
            SocketBuffers buffers = new SocketBuffers(config.global().clientSndbuf(), config.global().clientRcvbuf());
            int id = 0;
            for (Bind b : p.binds()) {
                id++;
                boolean inherited = b.address().kind() == Address.Kind.FD;
                boolean unix = b.address().kind() == Address.Kind.UNIX;
                SocketAddress addr = inherited ? null
                        : unix ? transport.domainSocketAddress(b.address().path())
                        : b.address().address() == null ? new InetSocketAddress(b.address().port())
                        : new InetSocketAddress(b.address().address(), b.address().port());
                List<ConnectionLimit> limits = List.of(global, feLimit,
                        new ConnectionLimit("bind " + b.address() + " of " + p, b.maxconn()));
                UnixSocketFile.Options file = unix ? new UnixSocketFile.Options(b.unixMode(), b.unixUser(), b.unixUid(),
                        b.unixGroup(), b.unixGid()) : null;
                specs.add(new ListenerGroup.Spec("bind " + b.address() + " (" + p + " at " + b.location() + ")",
                        addr, inherited ? b.address().fd() : -1, b.backlog(), limits, init,
                        (int) Math.min(Integer.MAX_VALUE, b.tcpUserTimeoutMs()), keepAlive,
                        p.option(ProxyOption.NOLINGER), file, id, !tcp, !config.global().noReusePort(), buffers));
            }
        }
        return specs;
    }

    /**
     * The global {@code maxconn}: as configured, or derived from the descriptor limit as HAProxy
     * does; {@code ulimit-n} must not ask for more than the limit the process has. Says when the
     * limit is too low for {@code maxconn}.
     */
    private int globalMaxconn(Config config) {
        int ulimitN = config.global().ulimitN();
        java.util.OptionalLong limit = Descriptors.limit();
        if (ulimitN > 0 && limit.isPresent() && ulimitN > limit.getAsLong()) {
            throw new IllegalStateException("'ulimit-n " + ulimitN + "' (global): this process may open only "
                    + limit.getAsLong() + " descriptors and Java cannot raise that limit; raise it before Ferry "
                    + "starts (LimitNOFILE=" + ulimitN + " in its systemd unit, or ulimit -n " + ulimitN + ")");
        }
        long budget = ulimitN > 0 ? ulimitN : limit.orElse(0);
        long binds = config.frontends().stream().mapToLong(p -> p.binds().size()).sum();
        long servers = config.backends().stream().mapToLong(p -> p.servers().size()).sum();
        long reserved = Descriptors.open() + binds + servers;
        if (config.global().maxconn() != null) {
            int maxconn = config.global().maxconn().value();
            long needed = Descriptors.needed(maxconn, reserved);
            if (budget > 0 && needed > budget) {
                notice("global maxconn " + maxconn + " (" + config.global().maxconn().location() + ") needs about "
                        + needed + " file descriptors but this process may open only " + budget + "; beyond about "
                        + Descriptors.derivedMaxconn(budget, reserved) + " connections, accepting will fail: raise "
                        + "the limit (LimitNOFILE= in the systemd unit, or ulimit -n) or lower maxconn");
            }
            return maxconn;
        }
        if (budget == 0) {
            return 0;
        }
        int derived = Descriptors.derivedMaxconn(budget, reserved);
        LOG.debug("global maxconn is not set: {} from the limit of {} file descriptors ({} in use or reserved, two "
                + "per connection)", derived, budget, reserved);
        derivedMaxconn = derived;
        return derived;
    }

    /**
     * Ferry's safe default beyond HAProxy, said once per proxy at start: a half-closed tunnel side
     * (mode tcp, or a WebSocket in mode http) without {@code timeout client-fin}/{@code server-fin}
     * is reaped after min(its timeout, 30 s).
     */
    private void finNotices(Proxy frontend, List<Backend> reachable) {
        if (frontend.timeout(TimeoutKind.CLIENT_FIN).isEmpty()) {
            long client = Timeouts.of(frontend, TimeoutKind.CLIENT);
            java.util.TreeSet<Long> fins = new java.util.TreeSet<>();
            fins.add(TunnelTimeouts.defaultFin(client, 0));
            if (!reachable.isEmpty()) {
                fins.clear();
                for (Backend b : reachable) {
                    fins.add(TunnelTimeouts.defaultFin(client, Timeouts.of(b.model, TimeoutKind.TUNNEL)));
                }
            }
            String after = fins.size() == 1 ? seconds(fins.first())
                    : "between " + seconds(fins.first()) + " and " + seconds(fins.last()) + " (by backend)";
            notice(frontend + " (" + frontend.location() + "): 'timeout client-fin' is not set; a half-closed "
                    + "client connection is closed after " + after + " of inactivity, "
                    + "min(timeout client or tunnel, 30s), rather than after the client timeout");
        }
        for (Backend backend : reachable) {
            serverFinNotice(backend);
        }
    }

    private void serverFinNotice(Backend backend) {
        if (backend.model.timeout(TimeoutKind.SERVER_FIN).isEmpty() && noticedBackends.add(backend.name())) {
            long fin = TunnelTimeouts.defaultFin(Timeouts.of(backend.model, TimeoutKind.SERVER),
                    Timeouts.of(backend.model, TimeoutKind.TUNNEL));
            notice(backend.model + " (" + backend.model.location() + "): 'timeout server-fin' is not set; a "
                    + "half-closed server connection is closed after " + seconds(fin) + " of inactivity, "
                    + "min(timeout server or tunnel, 30s), rather than after the server timeout");
        }
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private void notice(String text) {
        notices.add(text);
        LOG.warn(text);
    }

    /** What start said about the configuration (each also logged once as a warning). */
    public List<String> notices() {
        return List.copyOf(notices);
    }

    /** The addresses listened on, in the order of the binds, with real ports for binds on port 0. */
    /** How many listening sockets serve, TCP and unix ({@code Listeners} in {@code show info}). */
    public int listenerCount() {
        return listeners.listenerCount();
    }

    /** The addresses of the TCP listeners (unix sockets are left out). */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.boundAddresses();
    }

    /**
     * The global {@code maxconn} derived from the descriptor limit because the configuration sets
     * none; 0 when it sets one (or the limit is unknown).
     */
    public int derivedMaxconn() {
        return derivedMaxconn;
    }

    /** The transport in use: epoll or NIO. */
    public Transport transport() {
        return transport;
    }

    /** Client connections open now. */
    public int openClientConnections() {
        return clients.size();
    }

    /** Streams waiting for a server slot in backend {@code name} now. */
    public int queued(String name) {
        Backend b = backends.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no backend " + name);
        }
        return b.queued();
    }

    /**
     * Access-log messages dropped because the log queue was full (logging never makes a stream
     * wait), since start.
     */
    public long droppedLogMessages() {
        return logs.dropped();
    }

    /**
     * The last request each frontend refused and the last response each backend refused, with the
     * rule broken and where (what {@code show errors} prints).
     */
    public io.ferry.http.ErrorCaptures errors() {
        return runtime.errors();
    }

    /** The servers of backend {@code name} at run time, with their state (UP, DOWN, MAINT, ...). */
    public List<io.ferry.balance.BackendServer> servers(String name) {
        Backend b = backends.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no backend " + name);
        }
        return b.servers;
    }

    /**
     * Blocks until the proxy has stopped, and the generations it replaced by {@link #reload} too;
     * or until one of its event loops stopped unexpectedly ({@link #failure()}).
     */
    public void awaitClose() throws InterruptedException {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        all.add(closed);
        for (Ferry older : predecessors) {
            all.add(older.closed);
        }
        try {
            CompletableFuture.anyOf(
                    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])),
                    loops.failure()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Why this Ferry can no longer serve, when one of its event loops stopped before it was closed
     * (its thread ended by an error): the connections and listening sockets on that loop are no
     * longer served, and the process had better end. Empty while every loop runs.
     */
    public Optional<String> failure() {
        return Optional.ofNullable(loops.failure().getNow(null));
    }

    /** The event loops this Ferry runs on, shared with the generations of its reloads. */
    SharedLoops loops() {
        return loops;
    }

    /**
     * Soft stop (HAProxy's SIGUSR1): stops accepting at once, closes kept-alive connections that are
     * idle, and lets every other stream finish: an HTTP connection ends its current transaction and
     * closes instead of staying alive; a TCP tunnel runs until it ends or one of its deadlines
     * fires. {@code hard-stop-after}, when set, bounds the wait, then {@link #close()} cuts what is
     * left. Returns at once; {@link #awaitClose()} returns when the last stream has ended. Not to
     * be called on one of Ferry's event loops (it waits for them).
     */
    public void softStop() {
        predecessors.forEach(Ferry::softStopOwn);
        softStopOwn();
    }

    private void softStopOwn() {
        if (closed.isDone()) {
            return;
        }
        beginSoftStop();
        for (Channel ch : clients) {
            StreamView stream = ch.attr(STREAM).get();
            if (stream instanceof HttpStream http) {
                ch.eventLoop().execute(http::softStop);
            }
        }
    }

    /**
     * What a soft stop and a reload have in common: no more accepting, no more keep-alive, and the
     * end when the last client connection has closed or {@code hard-stop-after} has passed. An idle
     * kept-alive connection stays until its next request, served with {@code Connection: close}, or
     * until its keep-alive deadline: closing it now could cross a request the client is sending.
     */
    private void beginSoftStop() {
        if (!softStopping.compareAndSet(false, true)) {
            return;
        }
        runtime.stop();
        checks.close();
        listeners.closeAll();
        // Connections accepted before the listeners closed (or were handed over) join the group in
        // tasks that the accepting loop queues on their loops. A first round of empty tasks on every
        // loop waits for an accept in progress; a second, for the tasks it queued: then the group
        // holds every connection of this generation.
        for (int round = 0; round < 2; round++) {
            List<Future<?>> barrier = new ArrayList<>();
            loops.group.forEach(loop -> barrier.add(loop.submit(() -> { })));
            barrier.forEach(Future::awaitUninterruptibly);
        }
        if (hardStopAfterMs > 0) {
            GlobalEventExecutor.INSTANCE.schedule(() -> closeInBackground(true), hardStopAfterMs, TimeUnit.MILLISECONDS);
        }
        clients.newCloseFuture().addListener(f -> closeInBackground(false));
    }

    /**
     * Ends this generation alone, when its last stream has ended or its {@code hard-stop-after} has
     * passed; the generations it replaced end on their own terms. Closing blocks on event loops:
     * called from a listener or a timer, it runs on a thread of its own.
     */
    private void closeInBackground(boolean hardStop) {
        if (closing.get()) {
            return;
        }
        if (hardStop) {
            LOG.warn("hard-stop-after {} reached: closing the {} connection(s) still open",
                    seconds(hardStopAfterMs), clients.size());
        }
        Thread t = new Thread(this::closeOwn, "ferry-stop");
        t.start();
    }

    /** Stops now: closes listeners and every stream, those of the generations it replaced too. */
    @Override
    public void close() {
        predecessors.forEach(Ferry::closeOwn);
        closeOwn();
    }

    private void closeOwn() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            runtime.stop();
            closeServices();
            checks.close();
            listeners.closeAll();
            clients.close().awaitUninterruptibly();
            runtime.closePools();
            loops.release();
            logs.close();
        } finally {
            closed.complete(null);
            if (replaced) {
                predecessors.clear();
            }
        }
    }

    /**
     * The deadlines of every live stream, each read on its own event loop: for each, the deadlines
     * set and the milliseconds left (the walk that {@code show sess} will print).
     */
    public List<Map<Deadlines.Deadline, Long>> streamDeadlines() {
        return readStreams(v -> v.deadlines().snapshot());
    }

    /**
     * What {@code read} gives of every live stream, each read on its own event loop. A stream whose
     * client connection began to close between the listing of it and its loop's reading (a deadline
     * that expired in between, say) is over, its deadlines cancelled, and is left out, as the group
     * of client connections leaves it out once the close is done.
     */
    private <T> List<T> readStreams(java.util.function.Function<StreamView, T> read) {
        List<Future<T>> futures = new ArrayList<>();
        for (Channel ch : clients) {
            StreamView v = ch.attr(STREAM).get();
            if (v != null) {
                futures.add(ch.eventLoop().submit(() -> ch.isActive() ? read.apply(v) : null));
            }
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            f.awaitUninterruptibly();
            T value = f.isSuccess() ? f.getNow() : null;
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    private void startServices() {
        for (FerryService service : FerryService.all()) {
            services.add(service.start(this, loops.group));
        }
        for (Frontend f : frontends.values()) {
            f.checkServices();
        }
    }

    private void closeServices() {
        for (FerryService.Running s : services) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", s, e.toString());
            }
        }
        services.clear();
    }

    // ---- what the runtime API reads and changes ------------------------------------------------

    /** The configuration it runs. */
    public Config config() {
        return config;
    }

    /** When it started, in wall-clock milliseconds. */
    public long startMillis() {
        return startMillis;
    }

    /** The event loop threads. */
    public int threads() {
        return loops.group.executorCount();
    }

    /**
     * The addresses the services listen on (the runtime API's {@code stats socket} lines, in their
     * order), with real ports for port 0.
     */
    public List<java.net.SocketAddress> serviceAddresses() {
        List<java.net.SocketAddress> out = new ArrayList<>();
        for (FerryService.Running s : services) {
            out.addAll(s.addresses());
        }
        return out;
    }

    /**
     * Makes {@code service} answer the requests that {@code http-request use-service NAME} rules
     * select; a {@link FerryService} calls it from its {@code start}.
     */
    public void registerHttpService(String name, HttpService service) {
        httpServices.put(name, service);
    }

    /**
     * Makes {@code page} answer the requests for the stats page of proxies with {@code stats
     * enable}; a {@link FerryService} calls it from its {@code start}.
     */
    public void registerStatsPage(StatsPage page) {
        runtime.statsPage(page);
    }

    /** The frontends (and listen sections), in configuration order. */
    public List<Frontend> frontends() {
        return List.copyOf(frontends.values());
    }

    /** The backends (and listen sections), in configuration order. */
    public List<Backend> backends() {
        return List.copyOf(backends.values());
    }

    /** The process-wide connection limit ({@code global maxconn}), 0 for none. */
    public int maxconn() {
        return globalLimit.max();
    }

    /** Changes {@code global maxconn} ({@code set maxconn global}); listeners resume or pause at once. */
    public void maxconn(int max) {
        globalLimit.max(max);
        listeners.refreshAll();
    }

    /** Changes a frontend's {@code maxconn} ({@code set maxconn frontend}). */
    public void maxconn(Frontend frontend, int max) {
        frontend.limit().max(max);
        listeners.refreshAll();
    }

    /** Client connections accepted since start. */
    public long acceptedConnections() {
        return frontends.values().stream().mapToLong(f -> f.counters.total()).sum();
    }

    /** Every live stream, each read on its own event loop, oldest first. */
    public List<StreamSnapshot> streams() {
        List<StreamSnapshot> out = readStreams(StreamView::snapshot);
        out.sort(java.util.Comparator.comparingLong(StreamSnapshot::id));
        return out;
    }

    /** Ends stream {@code id} ({@code shutdown session}); false when there is no such stream. */
    public boolean shutdownStream(long id) {
        for (Channel ch : clients) {
            StreamView v = ch.attr(STREAM).get();
            if (v != null && v.id() == id) {
                ch.eventLoop().submit(() -> v.kill(Cause.KILLED)).awaitUninterruptibly();
                return true;
            }
        }
        return false;
    }

    /** Ends every stream whose current transaction uses {@code server}; returns how many. */
    public int shutdownStreams(io.ferry.balance.BackendServer server) {
        List<Future<Boolean>> futures = killStreams(server, Cause.KILLED);
        int n = 0;
        for (Future<Boolean> f : futures) {
            if (f.awaitUninterruptibly().isSuccess() && f.getNow()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Ends every stream whose current transaction uses {@code server}, each on its own event loop,
     * without waiting: for callers on an event loop (the stats page's admin form).
     */
    public void shutdownStreamsLater(io.ferry.balance.BackendServer server) {
        killStreams(server, Cause.KILLED);
    }

    /**
     * Ends every stream on {@code server} without waiting ({@code on-marked-down shutdown-sessions},
     * {@code on-marked-up shutdown-backup-sessions}: called on an event loop, which must not wait
     * for the others).
     */
    private void cutStreams(io.ferry.balance.BackendServer server, ServerEvents.Cut why) {
        killStreams(server, why == ServerEvents.Cut.SERVER_DOWN ? Cause.SERVER_DOWN : Cause.BACKUP_CUT);
    }

    /** Ends, each on its event loop, the streams whose current transaction uses {@code server}, logged with {@code cause}. */
    private List<Future<Boolean>> killStreams(io.ferry.balance.BackendServer server, Cause cause) {
        List<Future<Boolean>> futures = new ArrayList<>();
        for (Channel ch : clients) {
            StreamView v = ch.attr(STREAM).get();
            if (v != null) {
                futures.add(ch.eventLoop().submit(() -> {
                    if (v.server() == server) {
                        v.kill(cause);
                        return true;
                    }
                    return false;
                }));
            }
        }
        return futures;
    }

    /** Runs {@code task} on an event loop after {@code delayMs}, unless this Ferry is closed by then. */
    private void schedule(Runnable task, long delayMs) {
        if (closing.get() || loops.group.isShuttingDown()) {
            return;
        }
        loops.group.schedule(() -> {
            if (!closing.get()) {
                task.run();
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }
}
