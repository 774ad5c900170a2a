package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits on a listening channel before the acceptor: counts each accepted connection against the
 * listener's limits until it closes, and pauses accepting when a limit is reached. Listening
 * channels with a limit read one connection at a time, so the pause takes effect before the next.
 */
final class AcceptGateHandler extends ChannelInboundHandlerAdapter {

    private final Listener listener;
    private final ListenerGroup group;

    AcceptGateHandler(Listener listener, ListenerGroup group) {
        this.listener = listener;
        this.group = group;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        for (ConnectionLimit l : listener.limits()) {
            l.acquire();
        }
        child.closeFuture().addListener(f -> {
            boolean freed = false;
            for (ConnectionLimit l : listener.limits()) {
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
