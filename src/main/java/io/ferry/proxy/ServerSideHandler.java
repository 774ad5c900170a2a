package io.ferry.proxy;

import io.ferry.net.Transport;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
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
 * closes first is closed normally, without this handler's reset.
 *
 * <p>The server's FIN comes as an event (the connection allows half-closure): the stream first
 * takes what was read before it, then the connection closes, as Netty would have closed it. But a
 * {@code 101} read before the FIN has by then made the connection a tunnel, whose handler takes
 * the FIN in this handler's place and forwards it to the client. Netty's io_uring transport reads
 * up to a FIN as soon as it arrives, even while Ferry does not ask to read, so a server that
 * answers {@code 101} and closes at once is common there.
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
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        HttpStream owner = connection.owner;
        if (owner != null) {
            owner.serverReadComplete(connection);
        }
        if (ctx.isRemoved()) {
            // switched to a tunnel, whose handler now stands where this one stood
            ctx.pipeline().fireUserEventTriggered(evt);
        } else {
            // from this handler's place: a close without its reset
            ctx.close();
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
