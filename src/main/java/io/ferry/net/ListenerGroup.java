package io.ferry.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * All of a Ferry's listeners. Binding is all or nothing: if one address cannot be bound, those
 * already bound are closed and the error names the address.
 */
public final class ListenerGroup {

    /** How a listener sets up its accepted connections. */
    public record Spec(String description, InetSocketAddress address, int backlog, List<ConnectionLimit> limits,
                       ChannelHandler childInitializer, int tcpUserTimeoutMs, boolean keepAlive, boolean noLinger) {
    }

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public ListenerGroup(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
    }

    /** Binds every spec, or none. */
    public void bindAll(List<Spec> specs) {
        try {
            for (Spec spec : specs) {
                bind(spec);
            }
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    private void bind(Spec spec) {
        Listener listener = new Listener(spec.description(), spec.limits());
        boolean limited = spec.limits().stream().anyMatch(l -> l.max() > 0);
        ServerBootstrap b = new ServerBootstrap().group(acceptors, workers).channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<ServerChannel>() {
                    @Override
                    protected void initChannel(ServerChannel ch) {
                        ch.pipeline().addLast(new AcceptGateHandler(listener, ListenerGroup.this));
                    }
                })
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, spec.keepAlive())
                .childHandler(spec.childInitializer());
        if (limited) {
            b.option(ChannelOption.MAX_MESSAGES_PER_READ, 1);
        }
        if (spec.noLinger()) {
            b.childOption(ChannelOption.SO_LINGER, 0);
        }
        if (spec.backlog() > 0) {
            b.option(ChannelOption.SO_BACKLOG, spec.backlog());
        }
        if (spec.tcpUserTimeoutMs() > 0) {
            b.childOption(transport.tcpUserTimeoutOption(), spec.tcpUserTimeoutMs());
        }
        Channel ch;
        try {
            ch = b.bind(spec.address()).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind " + spec.description() + ": " + e.getMessage(), e);
        }
        listener.bound(ch);
        listeners.add(listener);
        listener.refresh();
    }

    /** Pauses or resumes each listener according to its limits. */
    public void refreshAll() {
        for (Listener l : listeners) {
            l.refresh();
        }
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Listener l : listeners) {
            out.add(l.localAddress());
        }
        return out;
    }

    /** Closes every listening socket (accepted connections stay). */
    public void closeAll() {
        for (Listener l : listeners) {
            Channel c = l.channel();
            if (c != null) {
                c.close().syncUninterruptibly();
            }
        }
        listeners.clear();
    }

}
