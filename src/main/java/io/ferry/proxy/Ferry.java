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

    private static final Logger LOG = LoggerFactory.getLogger(Ferry.class);
    private static final AttributeKey<Deadlines> DEADLINES = AttributeKey.valueOf("ferry.deadlines");

    private Ferry(Config config, Clock clock) {
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
            listeners.bindAll(specs(config));
            checks.start(loops, transport.socketChannel(), config.global().spreadChecks());
        } catch (RuntimeException e) {
            checks.close();
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

    /** Makes {@code deadlines} the ones {@link #streamDeadlines} reads for client connection {@code ch}. */
    static void watch(Channel ch, Deadlines deadlines) {
        ch.attr(DEADLINES).set(deadlines);
    }

    private List<ListenerGroup.Spec> specs(Config config) {
        for (Proxy p : config.backends()) {
            if (p.disabled()) {
                // As in HAProxy: not started; requests routed to it get 503, and its servers are not checked.
                notice(p + " (" + p.location() + ") is disabled: it is not started"
                        + (p.kind().isFrontend() ? "" : ", and requests routed to it get 503"));
                continue;
            }
            Backend backend = new Backend(p);
            backends.put(p.name(), backend);
            checks.add(p, backend.servers, backend::dispatch);
        }
        int globalMax = config.global().maxconn() == null ? 0 : config.global().maxconn().value();
        ConnectionLimit global = new ConnectionLimit("global", globalMax);
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
            Frontend fe = new Frontend(p, backends, logs.frontend(p.name()), global, feLimit);
            boolean keepAlive = p.option(ProxyOption.CLITCPKA) || p.option(ProxyOption.TCPKA);
            boolean tcp = p.mode().value() == Mode.TCP;
            finNotices(p, fe.reachable());
            ChannelInitializer<SocketChannel> init = new ChannelInitializer<>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    ByteCountHandler bytes = new ByteCountHandler();
                    ch.pipeline().addLast(bytes);
                    if (tcp) {
                        TcpStream stream = new TcpStream(runtime, fe, ch, bytes);
                        watch(ch, stream.deadlines);
                        ch.pipeline().addLast(new TunnelHandler(stream, TcpStream.Side.CLIENT));
                    } else {
                        HttpStream stream = new HttpStream(runtime, fe, ch, bytes);
                        watch(ch, stream.deadlines);
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
}
