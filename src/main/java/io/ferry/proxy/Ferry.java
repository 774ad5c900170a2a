package io.ferry.proxy;

import io.ferry.config.Bind;
import io.ferry.config.Config;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.net.ConnectionLimit;
import io.ferry.net.ListenerGroup;
import io.ferry.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Map<String, Backend> backends = new LinkedHashMap<>();

    private Ferry(Config config) {
        transport = Transport.select();
        RuntimeSupport.check(config, transport);
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : config.global().nbproc() != null ? config.global().nbproc().value()
                : Runtime.getRuntime().availableProcessors();
        loops = transport.newEventLoopGroup(threads);
        clients = new DefaultChannelGroup("ferry-clients", GlobalEventExecutor.INSTANCE);
        runtime = new ProxyRuntime(transport, config.global());
        listeners = new ListenerGroup(transport, loops, loops);
        try {
            listeners.bindAll(specs(config));
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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
        return new Ferry(config);
    }

    private List<ListenerGroup.Spec> specs(Config config) {
        for (Proxy p : config.backends()) {
            backends.put(p.name(), new Backend(p));
        }
        int globalMax = config.global().maxconn() == null ? 0 : config.global().maxconn().value();
        ConnectionLimit global = new ConnectionLimit("global", globalMax);
        List<ListenerGroup.Spec> specs = new ArrayList<>();
        for (Proxy p : config.frontends()) {
            Frontend fe = new Frontend(p, backends);
            ConnectionLimit feLimit = new ConnectionLimit(p.toString(),
                    p.maxconn() == null ? globalMax : p.maxconn().value());
            boolean keepAlive = p.option(ProxyOption.CLITCPKA) || p.option(ProxyOption.TCPKA);
            ChannelInitializer<SocketChannel> init = new ChannelInitializer<>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    HttpStream stream = new HttpStream(runtime, fe, ch);
                    ch.pipeline().addLast(new ActivityHandler(stream::clientBytes), runtime.newServerCodec(),
                            new ClientSideHandler(stream));
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
                        keepAlive));
            }
        }
        return specs;
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
            listeners.closeAll();
            clients.close().awaitUninterruptibly();
            runtime.closePools();
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        } finally {
            closed.countDown();
        }
    }

    /** Used by {@link #close()} and tests: every client channel open now. */
    List<Channel> clientChannels() {
        return new ArrayList<>(clients);
    }
}
