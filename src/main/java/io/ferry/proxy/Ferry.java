package io.ferry.proxy;

import io.ferry.balance.HealthChecks;
import io.ferry.config.Bind;
import io.ferry.config.Config;
import io.ferry.config.Mode;
import io.ferry.config.TimeoutKind;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.log.AccessLogs;
import io.ferry.log.ByteCountHandler;
import io.ferry.net.ConnectionLimit;
import io.ferry.net.ListenerGroup;
import io.ferry.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
    private final MultiThreadIoEventLoopGroup loops;
    private final ListenerGroup listeners;
    private final ProxyRuntime runtime;
    private final ChannelGroup clients;
    private final AccessLogs logs;
    private final CountDownLatch closed = new CountDownLatch(1);
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
    private static final AttributeKey<Deadlines> DEADLINES = AttributeKey.valueOf("ferry.deadlines");
    private static final AttributeKey<StreamView> STREAM = AttributeKey.valueOf("ferry.stream");

    private Ferry(Config config, Clock clock) {
        this.config = config;
        transport = Transport.select();
        RuntimeSupport.check(config, transport);
        logs = AccessLogs.start(config, clock);
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : config.global().nbproc() != null ? config.global().nbproc().value()
                : Runtime.getRuntime().availableProcessors();
        loops = transport.newEventLoopGroup(threads);
        clients = new DefaultChannelGroup("ferry-clients", GlobalEventExecutor.INSTANCE);
        runtime = new ProxyRuntime(transport, config.global());
        listeners = new ListenerGroup(transport, loops, loops);
        try {
            List<ListenerGroup.Spec> specs = specs(config);
            // Services first: the frontends' use-service rules need theirs before the first request.
            for (FerryService service : FerryService.all()) {
                services.add(service.start(this, loops));
            }
            for (Frontend f : frontends.values()) {
                f.checkServices();
            }
            listeners.bindAll(specs);
            checks.start(loops, transport.socketChannel(), config.global().spreadChecks());
        } catch (RuntimeException e) {
            closeServices();
            checks.close();
            listeners.closeAll();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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
        return new Ferry(config, Clock.systemDefaultZone());
    }

    /** As {@link #start(Config)}, with the wall clock (and time zone) of the access logs' dates. */
    public static Ferry start(Config config, Clock clock) {
        return new Ferry(config, clock);
    }

    private List<ListenerGroup.Spec> specs(Config config) {
        for (Proxy p : config.backends()) {
            Backend backend = new Backend(p, config.proxies().indexOf(p) + 1);
            backends.put(p.name(), backend);
            checks.add(p, backend.servers, backend::dispatch);
        }
        int globalMax = config.global().maxconn() == null ? 0 : config.global().maxconn().value();
        ConnectionLimit global = new ConnectionLimit("global", globalMax);
        globalLimit = global;
        List<ListenerGroup.Spec> specs = new ArrayList<>();
        for (Proxy p : config.frontends()) {
            ConnectionLimit feLimit = new ConnectionLimit(p.toString(),
                    p.maxconn() == null ? globalMax : p.maxconn().value());
            Frontend fe = new Frontend(p, config.proxies().indexOf(p) + 1, backends, logs.frontend(p.name()), global,
                    feLimit, httpServices);
            frontends.put(p.name(), fe);
            boolean keepAlive = p.option(ProxyOption.CLITCPKA) || p.option(ProxyOption.TCPKA);
            boolean tcp = p.mode().value() == Mode.TCP;
            if (tcp) {
                finNotices(p, fe.defaultBackend());
            }
            ChannelInitializer<SocketChannel> init = new ChannelInitializer<>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    ByteCountHandler bytes = new ByteCountHandler();
                    ch.pipeline().addLast(bytes);
                    if (tcp) {
                        TcpStream stream = new TcpStream(runtime, fe, ch, bytes);
                        ch.attr(DEADLINES).set(stream.deadlines);
                        ch.attr(STREAM).set(stream);
                        ch.pipeline().addLast(new TunnelHandler(stream, TcpStream.Side.CLIENT));
                    } else {
                        HttpStream stream = new HttpStream(runtime, fe, ch, bytes);
                        ch.attr(DEADLINES).set(stream.deadlines);
                        ch.attr(STREAM).set(stream);
                        ch.pipeline().addLast(new ActivityHandler(stream::clientBytes), runtime.newServerCodec(),
                                new ClientSideHandler(stream));
                    }
                }
            };
            for (Bind b : p.binds()) {
                InetSocketAddress addr = b.address().address() == null
                        ? new InetSocketAddress(b.address().port())
                        : new InetSocketAddress(b.address().address(), b.address().port());
                List<ConnectionLimit> limits = List.of(global, feLimit,
                        new ConnectionLimit("bind " + b.address() + " of " + p, b.maxconn()));
                specs.add(new ListenerGroup.Spec("bind " + b.address() + " (" + p + " at " + b.location() + ")",
                        addr, b.backlog(), limits, init, (int) Math.min(Integer.MAX_VALUE, b.tcpUserTimeoutMs()),
                        keepAlive, p.option(ProxyOption.NOLINGER)));
            }
        }
        return specs;
    }

    /**
     * Ferry's safe default beyond HAProxy, said once per proxy at start: a half-closed tunnel side
     * without {@code timeout client-fin}/{@code server-fin} is reaped after min(its timeout, 30 s).
     */
    private void finNotices(Proxy frontend, Backend backend) {
        if (frontend.timeout(TimeoutKind.CLIENT_FIN).isEmpty()) {
            long fin = TunnelTimeouts.defaultFin(Timeouts.of(frontend, TimeoutKind.CLIENT),
                    backend == null ? 0 : Timeouts.of(backend.model, TimeoutKind.TUNNEL));
            notice(frontend + " (" + frontend.location() + "): 'timeout client-fin' is not set; a half-closed "
                    + "client connection is closed after " + seconds(fin) + " of inactivity, "
                    + "min(timeout client or tunnel, 30s), rather than after the client timeout");
        }
        if (backend != null && backend.model.timeout(TimeoutKind.SERVER_FIN).isEmpty()
                && noticedBackends.add(backend.name())) {
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
    public List<InetSocketAddress> boundAddresses() {
        return listeners.boundAddresses();
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

    /** The servers of backend {@code name} at run time, with their state (UP, DOWN, MAINT, ...). */
    public List<io.ferry.balance.BackendServer> servers(String name) {
        Backend b = backends.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no backend " + name);
        }
        return b.servers;
    }

    /** Blocks until the proxy has stopped. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops now: closes listeners and every stream. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        try {
            closeServices();
            checks.close();
            listeners.closeAll();
            clients.close().awaitUninterruptibly();
            runtime.closePools();
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            logs.close();
        } finally {
            closed.countDown();
        }
    }

    /**
     * The deadlines of every live stream, each read on its own event loop: for each, the deadlines
     * set and the milliseconds left (the walk that {@code show sess} will print).
     */
    public List<Map<Deadlines.Deadline, Long>> streamDeadlines() {
        List<Future<Map<Deadlines.Deadline, Long>>> futures = new ArrayList<>();
        for (Channel ch : clients) {
            Deadlines d = ch.attr(DEADLINES).get();
            if (d != null) {
                futures.add(ch.eventLoop().submit(d::snapshot));
            }
        }
        List<Map<Deadlines.Deadline, Long>> out = new ArrayList<>();
        for (Future<Map<Deadlines.Deadline, Long>> f : futures) {
            f.awaitUninterruptibly();
            if (f.isSuccess()) {
                out.add(f.getNow());
            }
        }
        return out;
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
        return loops.executorCount();
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
        List<Future<StreamSnapshot>> futures = new ArrayList<>();
        for (Channel ch : clients) {
            StreamView v = ch.attr(STREAM).get();
            if (v != null) {
                futures.add(ch.eventLoop().submit(v::snapshot));
            }
        }
        List<StreamSnapshot> out = new ArrayList<>();
        for (Future<StreamSnapshot> f : futures) {
            f.awaitUninterruptibly();
            if (f.isSuccess()) {
                out.add(f.getNow());
            }
        }
        out.sort(java.util.Comparator.comparingLong(StreamSnapshot::id));
        return out;
    }

    /** Ends stream {@code id} ({@code shutdown session}); false when there is no such stream. */
    public boolean shutdownStream(long id) {
        for (Channel ch : clients) {
            StreamView v = ch.attr(STREAM).get();
            if (v != null && v.id() == id) {
                ch.eventLoop().submit(v::kill).awaitUninterruptibly();
                return true;
            }
        }
        return false;
    }

    /** Ends every stream whose current transaction uses {@code server}; returns how many. */
    public int shutdownStreams(io.ferry.balance.BackendServer server) {
        List<Future<Boolean>> futures = new ArrayList<>();
        for (Channel ch : clients) {
            StreamView v = ch.attr(STREAM).get();
            if (v != null) {
                futures.add(ch.eventLoop().submit(() -> {
                    if (v.server() == server) {
                        v.kill();
                        return true;
                    }
                    return false;
                }));
            }
        }
        int n = 0;
        for (Future<Boolean> f : futures) {
            if (f.awaitUninterruptibly().isSuccess() && f.getNow()) {
                n++;
            }
        }
        return n;
    }
}
