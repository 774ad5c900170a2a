package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a listening channel and takes each accepted connection: counts it against the listener's
 * limits until it closes, and pauses accepting when a limit is reached. The pause takes effect
 * before the next connection, even within one batch of accepts: it turns auto-read off, which the
 * acceptor checks before each accept.
 *
 * <p>A connection may still come after the pause: io_uring's accept is handed to the kernel ahead
 * of the connection it accepts, and one already handed over when another listener's connection
 * reaches a shared limit (global or frontend) completes all the same. Such a connection is held,
 * unread and not counted, as if it still waited in the backlog, and is taken in first when the
 * listener resumes ({@link #admitHeld}); it is closed if the listener closes first.
 *
 * <p>It then sets the connection up as the {@link ListenerGroup.Spec} of the moment it was accepted
 * says, whatever a reload does to the listener afterwards: socket options, registration with a
 * worker loop, then the spec's own pipeline. The listening channel's bootstrap
 * acceptor, after this handler, sees only what is not a connection; no initializer is added to and
 * removed from each connection's pipeline.
 */
final class AcceptGateHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptGateHandler.class);

    /** The spec a connection accepted on a unix socket was accepted under. */
    static final AttributeKey<ListenerGroup.Spec> ACCEPTED_UNDER = AttributeKey.valueOf("ferry.acceptedUnder");

    /** How long a listener pauses after an accept failed for lack of descriptors or memory (HAProxy's 100 ms). */
    static final long SHORTAGE_PAUSE_MILLIS = 100;
    /** How long it pauses after an accept failed otherwise (Netty's acceptor pauses 1 s). */
    static final long ERROR_PAUSE_MILLIS = 1000;

    private final Listener listener;
    /** Shared by the gates of all of a bind's sockets, so that a shortage is said once for the bind. */
    private final ShortageReport shortage;
    /** Connections accepted while a limit was reached; only touched on the listening channel's loop. */
    private final ArrayDeque<Channel> held = new ArrayDeque<>();
    private volatile boolean holding;

    AcceptGateHandler(Listener listener, ShortageReport shortage) {
        this.listener = listener;
        this.shortage = shortage;
    }

    /** What the gates of {@code listener} say when accepting fails for lack of descriptors or memory. */
    static ShortageReport shortageReport(Listener listener) {
        return ShortageReport.logging(LOG, listener::description, "accept connections",
                "connections wait in the listening socket's backlog, and accepting is tried again when a connection "
                        + "closes, or every " + SHORTAGE_PAUSE_MILLIS + " ms");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Channel child)) {
            ctx.fireChannelRead(msg);
            return;
        }
        shortage.worked();
        ListenerGroup.Spec spec = held.isEmpty() ? listener.tryAdmit() : null;
        if (spec == null) {
            held.add(child);
            holding = true;
            return;
        }
        admit(child, spec);
    }

    /**
     * An accept failed. For lack of descriptors or memory, the listener pauses briefly and the log
     * says so once, not once per failure ({@link ShortageReport}); for another reason, it pauses
     * a second and the log says why in a line. Netty's acceptor, next in the pipeline, would pause
     * a second in every case and log each failure with a stack trace, as a failure no handler took.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        ResourceShortage s = ResourceShortage.of(cause);
        // paused first: accepting again at once would fail again, in a loop
        listener.starve(s != null ? SHORTAGE_PAUSE_MILLIS : ERROR_PAUSE_MILLIS);
        if (s != null) {
            shortage.failed(s);
        } else {
            LOG.warn("{} could not accept a connection ({}); it tries again in {} ms", listener.description(),
                    cause.getMessage(), ERROR_PAUSE_MILLIS);
        }
    }

    /** Whether connections are held, waiting for the listener to resume. */
    boolean holding() {
        return holding;
    }

    /**
     * Takes in held connections, oldest first, while the listener's limits allow; on the listening
     * channel's loop.
     */
    void admitHeld() {
        ListenerGroup.Spec spec;
        while (!held.isEmpty() && (spec = listener.tryAdmit()) != null) {
            admit(held.poll(), spec);
        }
        holding = !held.isEmpty();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Never registered, a held connection is closed at once, by its descriptor.
        for (Channel c = held.poll(); c != null; c = held.poll()) {
            c.unsafe().closeForcibly();
        }
        holding = false;
        ctx.fireChannelInactive();
    }

    /** Sets up {@code child}, counted against the limits of {@code spec} (by {@link Listener#tryAdmit}). */
    private void admit(Channel child, ListenerGroup.Spec spec) {
        ListenerGroup group = listener.group();
        if (spec.unix()) {
            // Only there does the connection need it (ConnectionEnds): a TCP connection has its
            // addresses, and is spared the attribute.
            child.attr(ACCEPTED_UNDER).set(spec);
        }
        List<ConnectionLimit> limits = spec.limits();
        // Counted against them already (Listener.tryAdmit). It is served by this loop, unless this
        // one serves clearly more connections than another (LoopLoad).
        LoopLoad load = group.load();
        int index = load.take();
        EventLoop loop = load.loop(index);
        child.closeFuture().addListener(f -> {
            load.release(index);
            boolean freed = false;
            for (ConnectionLimit l : limits) {
                freed |= l.release();
            }
            if (freed) {
                group.refreshAll();
            }
            group.connectionClosed();
        });
        if (!listener.mayAccept()) {
            group.refreshAll();
        }
        child.config().setAutoRead(false);
        // a tunnel's listener slices its connection's reads instead, in the spec's initializer
        group.transport().shareReads(child.config());
        child.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (spec.readAtOnce()) {
            group.transport().readAtOnce(child);
        }
        if (!spec.unix()) {
            // a unix socket has no TCP options
            group.transport().setTcpOptions(child.config(), spec.keepAlive(), spec.noLinger(), spec.tcpUserTimeoutMs(),
                    spec.buffers());
        }
        // The pipeline needs the connection's event loop, so it is built once registered: by this
        // listener, which the loop runs as it registers the connection, before it reports the
        // connection active. A registration that fails closes the connection (and frees its limits).
        ChannelPromise registered = new DefaultChannelPromise(child, loop);
        registered.addListener(f -> {
            if (f.isSuccess()) {
                try {
                    spec.childInitializer().accept(child);
                } catch (RuntimeException e) {
                    LOG.warn("could not set up a connection accepted by {}; closing it", spec.description(), e);
                    child.close();
                }
            }
        });
        loop.register(registered);
    }
}
