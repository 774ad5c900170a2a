package io.ferry.log;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Placed next to a connection's socket: counts the bytes written to it (the log's {@code %B},
 * headers included) and read from it ({@code %U}). Used on the connection's event loop only.
 */
public final class ByteCountHandler extends ChannelDuplexHandler {

    private long written;
    private long read;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            read += b.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            written += b.readableBytes();
        }
        ctx.write(msg, promise);
    }

    /** Bytes written to the connection so far. */
    public long written() {
        return written;
    }

    /** Bytes read from the connection so far. */
    public long read() {
        return read;
    }
}
