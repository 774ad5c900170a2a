package io.ferry.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The conversation of a layer-7 check on a connected channel: sends what the check sends, gathers
 * what the server answers (at most {@link #MAX_RESPONSE} bytes, HAProxy's check buffer) and asks
 * the subclass for a verdict after each read and when the server closes. The first verdict is
 * reported once; the runner closes the channel.
 */
abstract class ProbeHandler extends ChannelInboundHandlerAdapter {

    /** HAProxy reads a check's answer into one buffer of {@code tune.bufsize} (16384) bytes. */
    static final int MAX_RESPONSE = 16384;

    private final Consumer<Verdict> done;
    private final byte[] received = new byte[MAX_RESPONSE];
    private int length;
    private int start;
    private boolean reported;

    ProbeHandler(Consumer<Verdict> done) {
        this.done = done;
    }

    /** The verdict on what was received so far, or null to wait for more; {@code closed}: no more will come. */
    abstract Verdict evaluate(boolean closed);

    /** Called once connected: writes the first bytes (if any) and may evaluate at once. */
    abstract void connected(ChannelHandlerContext ctx);

    /** What was received and not consumed yet, as ISO-8859-1 characters (one per byte). */
    final String received() {
        return new String(received, start, length - start, StandardCharsets.ISO_8859_1);
    }

    /** Forgets the first {@code n} characters of {@link #received()} (what a matched expect step matched). */
    final void consume(int n) {
        start = Math.min(length, start + n);
    }

    final boolean full() {
        return length == received.length;
    }

    static void send(ChannelHandlerContext ctx, String data) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(data.getBytes(StandardCharsets.ISO_8859_1)));
    }

    final void report(Verdict v) {
        if (v != null && !reported) {
            reported = true;
            done.accept(v);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connected(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            int n = Math.min(b.readableBytes(), received.length - length);
            b.readBytes(received, length, n);
            length += n;
        } finally {
            b.release();
        }
        if (!reported) {
            report(evaluate(full()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!reported) {
            report(evaluate(true));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset while reading: the answer ends here, as a close would end it.
        if (!reported) {
            report(evaluate(true));
        }
        ctx.close();
    }
}
