package io.ferry.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The last handler of a client connection: hands decoded requests, writability and closing to its
 * stream, and flushes what the stream wrote before the connection closes.
 */
final class ClientSideHandler extends ChannelDuplexHandler {

    private final HttpStream stream;

    ClientSideHandler(HttpStream stream) {
        this.stream = stream;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stream.clientActive();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        stream.clientMessage(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.clientReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        stream.clientWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            stream.clientInputShutdown();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.clientClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /**
     * Sends what the stream wrote before closing: its writes of a turn of the loop are flushed at
     * the end of the turn ({@link io.ferry.net.LoopThread#flushSoon}), and a close earlier in the
     * turn would otherwise drop them, a response it has just written among them.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.flush();
        ctx.close(promise);
    }

    /** Not sharable, as Netty would find by a lookup in a per-thread cache for each new pipeline. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
