package io.ferry.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a server connection: hands decoded responses, writability and closing to the
 * stream that owns the connection. While the connection is idle in its pool, anything the server
 * sends is an error: it is released and the connection closed.
 */
final class ServerSideHandler extends ChannelInboundHandlerAdapter {

    private final ServerConnection connection;

    ServerSideHandler(ServerConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        HttpStream owner = connection.owner;
        if (owner != null) {
            owner.serverMessage(connection, msg);
        } else {
            ReferenceCountUtil.release(msg);
            // closing takes it out of its pool (ServerPool#opened)
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        HttpStream owner = connection.owner;
        if (owner != null) {
            owner.serverReadComplete(connection);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        HttpStream owner = connection.owner;
        if (owner != null) {
            owner.serverWritabilityChanged(connection);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        HttpStream owner = connection.owner;
        if (owner != null) {
            owner.serverClosed(connection);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and write errors: closing leads to channelInactive, where the owner decides.
        ctx.close();
    }
}
