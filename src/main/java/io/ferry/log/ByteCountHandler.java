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

    /** Told of every count as it happens (the stream's counters), on the connection's event loop. */
    public interface Listener {
        void read(long bytes);

        void written(long bytes);
    }

    private long written;
    private long read;
    private Listener listener;

    /** Sets who is told of each count from now on. */
    public void listener(Listener l) {
        this.listener = l;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            int n = b.readableBytes();
            read += n;
            if (listener != null) {
                listener.read(n);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            int n = b.readableBytes();
            written += n;
            if (listener != null) {
                listener.written(n);
            }
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

    /** Not sharable, as Netty would find by a lookup in a per-thread cache for each new pipeline. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
