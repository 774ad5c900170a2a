package io.ferry.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Placed before a connection's HTTP codec: reports that bytes arrived, before any message is
 * complete, so that inactivity deadlines see a slow but live peer and a keep-alive wait ends at
 * the first byte of the next request.
 */
final class ActivityHandler extends ChannelInboundHandlerAdapter {

    private final Runnable onBytes;

    ActivityHandler(Runnable onBytes) {
        this.onBytes = onBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        onBytes.run();
        ctx.fireChannelRead(msg);
    }
}
