package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;

/**
 * Sits on a listening channel before the acceptor: counts each accepted connection against the
 * listener's limits until it closes, and pauses accepting when a limit is reached. The pause takes
 * effect before the next connection, even within one batch of accepts: it turns auto-read off, which
 * the acceptor checks before each accept.
 * The connection keeps the listener's {@link ListenerGroup.Spec} of the moment it was accepted,
 * whatever a reload does to the listener afterwards.
 */
final class AcceptGateHandler extends ChannelInboundHandlerAdapter {

    private final Listener listener;

    AcceptGateHandler(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        ListenerGroup.Spec spec = listener.spec();
        ListenerGroup group = listener.group();
        child.attr(AcceptedConnectionInitializer.ACCEPTED_UNDER).set(spec);
        child.config().setAutoRead(false);
        if (spec.readAtOnce()) {
            group.transport().readAtOnce(child);
        }
        List<ConnectionLimit> limits = spec.limits();
        for (ConnectionLimit l : limits) {
            l.acquire();
        }
        child.closeFuture().addListener(f -> {
            boolean freed = false;
            for (ConnectionLimit l : limits) {
                freed |= l.release();
            }
            if (freed) {
                group.refreshAll();
            }
        });
        if (!listener.mayAccept()) {
            group.refreshAll();
        }
        ctx.fireChannelRead(msg);
    }
}
