package io.ferry.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * A connection's HTTP/1.1 codec, one handler in the pipeline: what comes in goes to its
 * {@link Http1Decoder}, what goes out to its {@link Http1Encoder}, each called with this handler's
 * own context, so a message takes one step through the codec either way. Only the events the two
 * halves handle are overridden; Netty passes every other event by without calling it.
 *
 * <p>The codec also reports each read, before any message in it is complete, to whoever is given
 * as {@code onBytes}: inactivity deadlines then see a slow but live peer, and a keep-alive wait ends
 * at the first byte of the next request. Given {@link ByteCounts}, it counts the bytes it reads
 * and those it passes on to be written, next to the socket as no other handler is.
 */
public abstract class Http1Codec extends ChannelDuplexHandler {

    private final Http1Decoder decoder;
    private final Http1Encoder<?> encoder;
    private final Runnable onBytes;
    private final ByteCounts counts;
    private ChannelHandlerContext ctx;
    /** The peer half-closed after requests that wait undecoded: told once they are decoded. */
    private boolean inputShutdownHeld;

    Http1Codec(Http1Decoder decoder, Http1Encoder<?> encoder, Runnable onBytes, ByteCounts counts) {
        this.decoder = decoder;
        this.encoder = encoder;
        this.onBytes = onBytes;
        this.counts = counts;
        encoder.countWith(counts);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Decodes only one request at a time: after a request's end, what follows waits undecoded until
     * {@link #resume}. The connection's reader must then resume before it reads again.
     */
    public void pauseBetweenRequests() {
        decoder.pauseBetweenRequests();
    }

    /**
     * Decodes the next request if its bytes wait, passing its messages on; returns whether it decoded
     * anything (if not, the caller reads on). Once nothing waits any more, a half-closure that came
     * after the requests is passed on too.
     */
    public boolean resume() throws Exception {
        boolean decoded = decoder.resume(ctx);
        if (inputShutdownHeld && !decoder.holdsInput()) {
            inputShutdownHeld = false;
            decoder.userEventTriggered(ctx, ChannelInputShutdownEvent.INSTANCE);
        }
        return decoded;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (counts != null && msg instanceof ByteBuf b) {
            counts.read(b.readableBytes());
        }
        onBytes.run();
        decoder.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        decoder.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        decoder.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ChannelInputShutdownEvent.INSTANCE && decoder.holdsInput()) {
            // The requests before the half-closure come first.
            inputShutdownHeld = true;
            return;
        }
        decoder.userEventTriggered(ctx, evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        encoder.write(ctx, msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        encoder.flush(ctx);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        encoder.close(ctx, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        try {
            // passes on the bytes the decoder has read and not decoded, to whatever now follows
            decoder.handlerRemoved(ctx);
        } finally {
            encoder.handlerRemoved(ctx);
        }
    }

    /** Not sharable, as Netty would find by a lookup in a per-thread cache for each new pipeline. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
