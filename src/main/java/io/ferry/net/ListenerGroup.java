package io.ferry.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannelOption;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * All of a Ferry's listeners. Binding is all or nothing: if one address cannot be bound, those
 * already bound are closed and the error names the address.
 *
 * <p>On a reload the new group takes over the listening sockets of the old one whose address is
 * unchanged ({@link #bindAll(List, ListenerGroup)}): the socket stays open throughout, so no
 * connection is refused, and connections waiting in its backlog are accepted by the new group.
 */
public final class ListenerGroup {

    /**
     * Where a listener listens and how it sets up its accepted connections.
     *
     * @param address the address to bind: an {@link InetSocketAddress}, or a
     *                {@link DomainSocketAddress} for a unix socket (epoll only); null for an inherited descriptor
     * @param inheritedFd a listening socket the process inherited ({@code fd@N}), -1 for none
     * @param childInitializer sets up the pipeline of each accepted connection, once its socket options are set
     * @param unixFile the permissions and owner of a unix socket's file; null for other listeners
     * @param id the listener's number in its frontend, from 1, in the order of its binds (HAProxy's
     *           listener id, which its logs show as the port of a unix socket client)
     * @param readAtOnce whether an accepted connection is read as soon as it is registered (an HTTP
     *           frontend's, whose stream reads its request first thing), see {@link Transport#readAtOnce}
     * @param socketPerLoop whether a TCP address gets a listening socket for each loop, all with
     *           {@code SO_REUSEPORT} (unless {@code noreuseport}); see {@link ListenerGroup}
     * @param buffers the kernel buffer sizes of each accepted TCP connection ({@code tune.sndbuf.client},
     *           {@code tune.rcvbuf.client})
     */
    public record Spec(String description, SocketAddress address, int inheritedFd, int backlog,
                       List<ConnectionLimit> limits, Consumer<Channel> childInitializer, int tcpUserTimeoutMs,
                       boolean keepAlive, boolean noLinger, UnixSocketFile.Options unixFile, int id,
                       boolean readAtOnce, boolean socketPerLoop, SocketBuffers buffers) {

        /** Whether a listener set up for {@code other} listens where this spec says. */
        boolean sameSocket(Spec other) {
            return inheritedFd >= 0 ? inheritedFd == other.inheritedFd
                    : other.inheritedFd < 0 && address.equals(other.address);
        }

        boolean unix() {
            return address instanceof DomainSocketAddress;
        }
    }

    /** The spec a connection accepted on a unix socket was accepted under; null for a TCP connection. */
    public static Spec specOf(Channel accepted) {
        return accepted.attr(AcceptGateHandler.ACCEPTED_UNDER).get();
    }

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** The connections each worker loop serves; shared with the group this one takes over from. */
    private volatile LoopLoad load;

    /**
     * @param acceptors the loops of the listening sockets
     * @param workers the loops of accepted connections; a group that takes over listeners from
     *                another must have the same
     */
    public ListenerGroup(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
        this.load = new LoopLoad(workers);
    }

    /** Binds every spec, or none. */
    public void bindAll(List<Spec> specs) {
        bindAll(specs, null);
    }

    /**
     * Binds every spec, or none, taking over from {@code previous} (when not null) each listening
     * socket whose address a spec names; the sockets {@code previous} keeps are its own to close.
     * Nothing is taken over unless every other address could be bound.
     */
    public void bindAll(List<Spec> specs, ListenerGroup previous) {
        if (previous != null && previous.workers != workers) {
            throw new IllegalArgumentException("listeners can be taken over only on the same event loops");
        }
        if (previous != null) {
            // the connections of the old configuration still count on their loops
            load = previous.load;
        }
        Listener[] planned = new Listener[specs.size()];
        List<Listener> fresh = new ArrayList<>();
        try {
            List<Listener> available = previous == null ? new ArrayList<>() : new ArrayList<>(previous.listeners);
            for (int i = 0; i < specs.size(); i++) {
                Spec spec = specs.get(i);
                Listener reused = null;
                for (Listener l : available) {
                    if (l.spec().sameSocket(spec)) {
                        reused = l;
                        break;
                    }
                }
                if (reused != null) {
                    available.remove(reused);
                    planned[i] = reused;
                } else {
                    planned[i] = bind(spec);
                    fresh.add(planned[i]);
                }
            }
        } catch (RuntimeException e) {
            close(fresh);
            throw e;
        }
        for (int i = 0; i < planned.length; i++) {
            Listener l = planned[i];
            if (!fresh.contains(l)) {
                previous.listeners.remove(l);
                l.handOver(specs.get(i), this);
                if (l.unixFile() != null) {
                    l.unixFile().update(specs.get(i).unixFile());
                }
            }
            listeners.add(l);
            l.refresh();
        }
    }

    private Listener bind(Spec spec) {
        Listener listener = new Listener(spec, this);
        if (spec.inheritedFd() >= 0) {
            listener.bound(List.of(adopt(bootstrap(listener, spec, acceptors), spec)));
        } else if (spec.unix()) {
            listener.bound(List.of(bindUnix(bootstrap(listener, spec, acceptors), spec, listener)));
        } else {
            listener.bound(bindTcp(listener, spec));
        }
        return listener;
    }

    /** A bootstrap for a listening socket of {@code listener} on a loop of {@code loops}. */
    private ServerBootstrap bootstrap(Listener listener, Spec spec, EventLoopGroup loops) {
        ShortageReport shortage = listener.shortage();
        ServerBootstrap b = new ServerBootstrap().group(loops, workers)
                .handler(new ChannelInitializer<ServerChannel>() {
                    @Override
                    protected void initChannel(ServerChannel ch) {
                        ch.pipeline().addLast(new AcceptGateHandler(listener, shortage));
                    }
                })
                // Never reached: AcceptGateHandler sets up and registers each accepted connection
                // itself; the bootstrap wants a child handler all the same.
                .childHandler(new ChannelInboundHandlerAdapter());
        if (!spec.unix()) {
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        // Connections are accepted in batches (Netty's 16 a wake, as HAProxy's tune.maxaccept): a
        // limit still holds to the connection, since reaching it turns auto-read off at once and
        // the acceptor checks auto-read before each further accept of a batch.
        if (spec.backlog() > 0) {
            b.option(ChannelOption.SO_BACKLOG, spec.backlog());
        }
        return b;
    }

    /**
     * Binds a TCP address: once, or once on each acceptor loop, all with {@code SO_REUSEPORT}, so
     * that each loop accepts the connections the kernel gives its socket and serves them itself
     * ({@link LoopLoad}), as nginx's {@code reuseport} does; the second and later sockets take the
     * port the first got (which matters when it is 0). Java NIO keeps one socket.
     */
    private List<Channel> bindTcp(Listener listener, Spec spec) {
        List<EventLoop> loops = LoopLoad.loopsOf(acceptors);
        boolean shard = spec.socketPerLoop() && loops.size() > 1 && transport != Transport.NIO;
        List<Channel> bound = new ArrayList<>();
        try {
            SocketAddress at = spec.address();
            for (EventLoopGroup loop : shard ? loops : List.of(acceptors)) {
                ServerBootstrap b = bootstrap(listener, spec, loop)
                        .channelFactory(() -> transport.newServerChannel(spec.address()));
                if (shard) {
                    b.option(UnixChannelOption.SO_REUSEPORT, true);
                }
                Channel ch = b.bind(at).syncUninterruptibly().channel();
                bound.add(ch);
                at = ch.localAddress();
            }
            return bound;
        } catch (Exception e) {
            for (Channel ch : bound) {
                ch.close().syncUninterruptibly();
            }
            throw new IllegalStateException("cannot bind " + spec.description() + ": " + e.getMessage(), e);
        }
    }

    /** Binds a unix socket under a temporary name and renames it into place ({@link UnixSocketFile}). */
    private Channel bindUnix(ServerBootstrap b, Spec spec, Listener listener) {
        UnixSocketFile file = new UnixSocketFile(Path.of(((DomainSocketAddress) spec.address()).path()));
        Channel ch;
        try {
            Path tmp = file.temporary();
            b.channel(transport.serverDomainSocketChannel());
            ch = b.bind(new DomainSocketAddress(tmp.toString())).syncUninterruptibly().channel();
            try {
                file.place(tmp, spec.unixFile());
            } catch (RuntimeException e) {
                ch.close().syncUninterruptibly();
                throw e;
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind " + spec.description() + ": " + e.getMessage(), e);
        }
        listener.unixFile(file);
        return ch;
    }

    /** Registers the inherited listening socket of {@code spec} instead of binding one. */
    private Channel adopt(ServerBootstrap b, Spec spec) {
        return adopt(b, () -> transport.inheritedServerChannel(spec.inheritedFd()), spec.inheritedFd(),
                "cannot use " + spec.description() + ": ", "TCP socket");
    }

    /**
     * Registers {@code channel}, made on inherited descriptor {@code fd}, with {@code b} instead of
     * binding a socket; fails, with {@code what} first and then what is wrong with the descriptor,
     * when it is not an open listening {@code kind}.
     */
    public static Channel adopt(ServerBootstrap b, java.util.function.Supplier<ServerChannel> channel, int fd,
                                String what, String kind) {
        try {
            b.channelFactory(channel::get);
            Channel ch = b.register().syncUninterruptibly().channel();
            if (!ch.isActive()) {
                ch.close().syncUninterruptibly();
                throw new IllegalStateException(what + "descriptor " + fd + " is not a listening " + kind);
            }
            return ch;
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + "descriptor " + fd + " is not an open listening " + kind + " ("
                    + e.getMessage() + ")", e);
        }
    }

    Transport transport() {
        return transport;
    }

    LoopLoad load() {
        return load;
    }

    /** Whether a listener may have paused for lack of descriptors or memory ({@link Listener#starve}). */
    private volatile boolean starving;

    void starving() {
        starving = true;
    }

    /**
     * A connection closed, which frees a descriptor: listeners paused for lack of one try again at
     * once. Costs one volatile read when none is.
     */
    void connectionClosed() {
        if (starving) {
            starving = false;
            for (Listener l : listeners) {
                l.unstarve();
            }
        }
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

    /** The addresses of the TCP listeners, in the order of their specs (unix sockets are left out). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Listener l : listeners) {
            if (l.localAddress() instanceof InetSocketAddress a) {
                out.add(a);
            }
        }
        return out;
    }

    /** How many listening sockets the group has, TCP and unix. */
    public int listenerCount() {
        return listeners.size();
    }

    /** Closes every listening socket of this group (accepted connections stay). */
    public void closeAll() {
        close(listeners);
        listeners.clear();
    }

    private static void close(List<Listener> list) {
        for (Listener l : list) {
            for (Channel c : l.channels()) {
                // Fails only on a loop that stopped unexpectedly, which closes nothing more: go on.
                c.close().awaitUninterruptibly();
            }
            if (l.unixFile() != null) {
                l.unixFile().remove();
            }
        }
    }
}
