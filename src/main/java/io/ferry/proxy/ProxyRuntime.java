package io.ferry.proxy;

import io.ferry.balance.BackendServer;
import io.ferry.config.GlobalSettings;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.net.ResourceShortage;
import io.ferry.net.ShortageReport;
import io.ferry.net.SocketBuffers;
import io.ferry.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.ferry.http.ErrorCaptures;
import io.ferry.http.Http1ClientCodec;
import io.ferry.http.Http1Settings;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * What every stream of a running Ferry shares: the transport, the HTTP codec limits, and the idle
 * server connection pool of each event loop.
 */
final class ProxyRuntime {

    private final Transport transport;
    private final GlobalSettings global;
    private final int maxHead;
    /** {@code tune.sndbuf.server} and {@code tune.rcvbuf.server}. */
    private final SocketBuffers serverBuffers;
    private final ErrorCaptures errors = new ErrorCaptures();
    private final Map<EventLoop, ServerPool> pools = new ConcurrentHashMap<>();
    private final Map<EventLoop, Deadlines.Scheduler> schedulers = new ConcurrentHashMap<>();
    /** What each connection to a server is set up with: made once per server, not per connection. */
    private final Map<BackendServer, Http1Settings> responseCodecs = new ConcurrentHashMap<>();
    private final Map<BackendServer, TcpOptions> tcpOptions = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile StatsPage statsPage;
    /** Says in the log when sockets to servers cannot be had for lack of descriptors or memory. */
    private final ShortageReport serverSockets = ShortageReport.logging(LoggerFactory.getLogger(ProxyRuntime.class),
            () -> "Ferry", "open connections to servers", "a stream that needs one tries again as its backend's "
                    + "'retries' allows, then answers 503 (mode http) or closes (mode tcp)");

    ProxyRuntime(Transport transport, GlobalSettings global) {
        this.transport = transport;
        this.global = global;
        // HAProxy: a head must fit in tune.bufsize less the room kept for rewrites.
        this.maxHead = Math.max(1024, global.bufsize() - global.maxrewrite());
        this.serverBuffers = new SocketBuffers(global.serverSndbuf(), global.serverRcvbuf());
    }

    /** From now on, every HTTP transaction ends its client connection (soft stop, or an older generation after a reload). */
    void stop() {
        stopping = true;
    }

    /** Whether client connections are being wound down: no more keep-alive. */
    boolean stopping() {
        return stopping;
    }

    Transport transport() {
        return transport;
    }

    /** The stats page, null until a service registers it. */
    StatsPage statsPage() {
        return statsPage;
    }

    void statsPage(StatsPage page) {
        statsPage = page;
    }

    /** The last message each proxy refused. */
    ErrorCaptures errors() {
        return errors;
    }

    /**
     * What the codec of each client connection of {@code frontend} is made with (strict request
     * decoding, see {@code Http1Decoder}); taken once per frontend, not per connection.
     */
    Http1Settings requestCodec(Proxy frontend) {
        return new Http1Settings(maxHead, global.maxHeaders(), frontend.option(ProxyOption.ACCEPT_INVALID_HTTP_REQUEST),
                errors, frontend.name(), null);
    }

    /** Timers of a stream's deadlines, on its event loop: one scheduler per loop, which its streams share. */
    Deadlines.Scheduler scheduler(EventLoop loop) {
        return schedulers.computeIfAbsent(loop, l -> (task, delayNanos) -> {
            ScheduledFuture<?> f = l.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        });
    }

    ServerPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, ServerPool::new);
    }

    /**
     * A registered, not yet connected, channel to {@code server} on {@code loop}, with its HTTP
     * pipeline; null when no socket could be had for lack of descriptors or memory (which the log
     * says, see {@link ShortageReport}).
     */
    ServerConnection newServerConnection(EventLoop loop, BackendServer server, Proxy frontend, Proxy backend) {
        Channel ch = register(loop, server, backend, false);
        if (ch == null) {
            return null;
        }
        ServerConnection c = new ServerConnection(ch, server);
        ServerPool pool = pool(loop);
        Http1Settings settings = responseCodecs.computeIfAbsent(server, sv -> new Http1Settings(maxHead,
                global.maxHeaders(), backend.option(ProxyOption.ACCEPT_INVALID_HTTP_RESPONSE), errors, backend.name(),
                sv.name()));
        ch.pipeline().addLast(new Http1ClientCodec(settings, () -> {
            HttpStream owner = c.owner;
            if (owner != null) {
                owner.serverBytes();
            }
        }), new ServerSideHandler(c));
        pool.opened(c);
        return c;
    }

    /**
     * A registered, not yet connected, channel to {@code server} for a {@code mode tcp} stream; null
     * when no socket could be had for lack of descriptors or memory.
     */
    Channel newTunnelChannel(EventLoop loop, BackendServer server, Proxy backend, TcpStream stream) {
        Channel ch = register(loop, server, backend, true);
        if (ch == null) {
            return null;
        }
        ch.pipeline().addLast(new TunnelHandler(stream, TcpStream.Side.SERVER));
        return ch;
    }

    /** The TCP options of connections to one server, beyond a new socket's defaults. */
    private record TcpOptions(boolean keepAlive, boolean noLinger, int userTimeoutMs) {

        static TcpOptions of(BackendServer server, Proxy backend) {
            long ut = 0;
            for (io.ferry.config.Server s : backend.servers()) {
                if (s.name().equals(server.name())) {
                    ut = s.options().tcpUserTimeoutMs();
                    break;
                }
            }
            return new TcpOptions(backend.option(ProxyOption.SRVTCPKA) || backend.option(ProxyOption.TCPKA),
                    backend.option(ProxyOption.NOLINGER), (int) Math.min(Integer.MAX_VALUE, ut));
        }
    }

    /**
     * A new channel registered with {@code loop}, set up by hand rather than by a Bootstrap, which
     * would make its option maps and look up the channel's constructor again for every connection.
     * A {@code tunnel}'s channel ({@code mode tcp}) allows half-closure; an HTTP stream's reads at once.
     */
    private Channel register(EventLoop loop, BackendServer server, Proxy backend, boolean tunnel) {
        Channel ch;
        try {
            // A unix stream socket takes no TCP options.
            ch = server.unixPath() != null ? transport.newDomainSocketChannel()
                    : transport.newSocketChannel(server.address());
        } catch (ChannelException e) {
            ResourceShortage shortage = ResourceShortage.of(e);
            if (shortage == null) {
                throw e;
            }
            serverSockets.failed(shortage);
            return null;
        }
        serverSockets.worked();
        if (server.unixPath() == null) {
            TcpOptions o = tcpOptions.computeIfAbsent(server, sv -> TcpOptions.of(sv, backend));
            // Before the connect, as HAProxy does: the receive window is sized from the handshake on.
            transport.setTcpOptions(ch.config(), o.keepAlive(), o.noLinger(), o.userTimeoutMs(), serverBuffers);
        }
        ch.config().setAutoRead(false);
        // An HTTP connection too: its server's FIN is an event (ServerSideHandler), not a close
        // Netty makes at once, so that a 101 read just before it still becomes a tunnel.
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (tunnel) {
            transport.sliceTunnelReads(ch.config());
        } else {
            transport.shareReads(ch.config());
        }
        // The stream's own deadline is the only limit on a connection attempt: `timeout connect`,
        // or none when it is unset. Netty would otherwise fail the attempt after its default 30 s,
        // and keep a timer of its own for every connection.
        ch.config().setConnectTimeoutMillis(0);
        if (!tunnel) {
            // An HTTP stream reads the server as soon as its request head is written, which is
            // right after the connect: asked for now, the interest joins the connect's epoll_ctl.
            transport.readAtOnce(ch);
        }
        if (loop.register(ch).cause() != null) {
            // As a Bootstrap does: the connect that follows fails on the closed channel, and says so.
            ch.unsafe().closeForcibly();
        }
        return ch;
    }

    /**
     * Where to connect to {@code server}: its unix socket, or its address and port (the port the
     * client connected to when the server has none).
     */
    SocketAddress serverAddress(BackendServer server, Channel client) {
        if (server.unixPath() != null) {
            return transport.domainSocketAddress(server.unixPath());
        }
        // A server without a port takes the one the client connected to; a unix socket has none (0).
        int port = server.port() != 0 ? server.port()
                : client.localAddress() instanceof InetSocketAddress local ? local.getPort() : 0;
        return new InetSocketAddress(server.address(), port);
    }

    /** Closes every idle server connection. */
    void closePools() {
        for (Map.Entry<EventLoop, ServerPool> e : pools.entrySet()) {
            // A loop that stopped unexpectedly (SharedLoops.failure) runs nothing more.
            if (!e.getKey().isShuttingDown()) {
                e.getKey().execute(e.getValue()::closeAll);
            }
        }
    }
}
