package io.ferry.log;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Placed next to an HTTP client connection's socket: tells its listener of the bytes written to it
 * (the log's {@code %B}, headers included) and read from it ({@code %U}). Used on the connection's
 * event loop only. A tunnel needs none: it sees every byte each way itself and counts them.
 */
public final class ByteCountHandler extends ChannelDuplexHandler {

    /** Told of every count as it happens (the stream's counters), on the connection's event loop. */
    public interface Listener {
        void read(long bytes);

        void written(long bytes);
    }

    private Listener listener;

    /** Sets who is told of each count from now on. */
    public void listener(Listener l) {
        this.listener = l;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            if (listener != null) {
                listener.read(b.readableBytes());
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            if (listener != null) {
                listener.written(b.readableBytes());
            }
        }
        ctx.write(msg, promise);
    }

    /** Not sharable, as Netty would find by a lookup in a per-thread cache for each new pipeline. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
