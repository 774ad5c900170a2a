package io.ferry.proxy;

import io.ferry.net.Transport;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a server connection: hands decoded responses, writability and closing to the
 * stream that owns the connection. While the connection is idle in its pool, anything the server
 * sends is an error: it is released and the connection closed.
 *
 * <p>Ferry closing the connection resets it (SO_LINGER 0), as HAProxy does with a server connection
 * whose server has not closed first: the closing side of a TCP connection keeps it in TIME_WAIT for
 * a minute, and on the proxy's side that state holds a local port to the server's address. At one
 * connection per request, a proxy that closed with a FIN would hold every port its kernel has for
 * that server within seconds. The connection carries nothing at that point that the reset could
 * lose: a transaction that completed, an idle connection, or one being aborted. A server that
 * closes first is closed normally: its FIN makes Netty close the channel without this handler.
 */
final class ServerSideHandler extends ChannelDuplexHandler {

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
            ctx.channel().close();
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
        ctx.channel().close();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Transport.resetOnClose(ctx.channel());
        ctx.close(promise);
    }

    /** Not sharable, as Netty would find by a lookup in a per-thread cache for each new pipeline. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
