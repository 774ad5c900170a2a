package io.ferry.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes HTTP/1.1 messages as bytes: a head ({@link HttpMessage}), then its body as
 * {@link HttpContent}s or plain {@link ByteBuf}s, ending with a {@link LastHttpContent}. A body
 * whose head says {@code Transfer-Encoding: chunked} is framed in chunks, one per content (a
 * content of at most {@link #MERGE_MAX} bytes is copied between its size line and CRLF, so that the
 * chunk is one buffer; a larger one is passed on between two small ones); any other body is passed
 * on as it is; a body that the head rules out (see {@link #bodyless}) is dropped.
 *
 * <p>Every character of a head is written as the one byte it stands for (ISO-8859-1): Ferry holds
 * the bytes it received, and the text of its configuration, as such characters, so what a peer sent
 * is passed on byte for byte, request target included. A head is laid out once in an array kept by
 * the event loop's thread, then copied into a buffer of its exact size.
 *
 * <p>An empty {@link ByteBuf} is passed on in any state, so that
 * {@code ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(CLOSE)} works on an HTTP connection.
 * A write that comes to no bytes and has nobody to tell (a void promise), such as the empty end of
 * a plain body, passes nothing on.
 *
 * <p>A head written with a void promise, whose {@code Content-Length} is at most {@link #MERGE_MAX},
 * is held back until the first piece of its body, which is copied after it: the whole message then
 * leaves as one buffer, in one system call. Anything else written, a flush, or a close, lets the
 * head go first, as it came.
 */
abstract class Http1Encoder<H extends HttpMessage> extends ChannelOutboundHandlerAdapter {

    private enum Body { NONE, PLAIN, CHUNKED, DROPPED }

    /** A body up to this size is copied after its head, into the same buffer. */
    private static final int MERGE_MAX = 4096;
    /** The bytes that frame a chunk's data: its size (at most 8 hex digits) and CRLF, then CRLF. */
    private static final int CHUNK_FRAMING = 8 + 2 + 2;

    /** Where heads are laid out; one larger than 64 KiB in an array of its own. */
    private static final Scratch SCRATCH = new Scratch(1024, 64 * 1024);

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private final Class<H> type;
    private Body body = Body.NONE;
    /** The pieces a write produced, reused. */
    private final List<Object> out = new ArrayList<>(4);
    /** A head held back, with room for its body after it; null when none is. */
    private ByteBuf held;
    /** Told of the bytes passed on to be written; null when nobody counts them. */
    private ByteCounts counts;

    Http1Encoder(Class<H> type) {
        this.type = type;
    }

    void countWith(ByteCounts c) {
        this.counts = c;
    }

    /** Passes {@code msg} on, counting its bytes. */
    private ChannelFuture emit(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (counts != null && msg instanceof ByteBuf b) {
            counts.written(b.readableBytes());
        }
        return ctx.write(msg, promise);
    }

    /** Writes the start line of {@code m}, ending with its CRLF. */
    abstract void startLine(Head head, H m);

    /** Whether {@code m} can have no body, whatever its fields say. */
    abstract boolean bodyless(H m);

    /** Adjusts the fields of {@code m} before they are written. */
    void sanitize(H m, boolean bodyless) {
    }

    /** Whether {@code msg} is to be passed on as it is (the connection switched protocols). */
    boolean passThrough(Object msg) {
        return false;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (passThrough(msg)) {
            writeHeld(ctx);
            emit(ctx, msg, promise);
            return;
        }
        try {
            if (type.isInstance(msg)) {
                if (body != Body.NONE) {
                    throw unexpected(msg);
                }
                H m = type.cast(msg);
                HttpContent full = m instanceof HttpContent c ? c : null;
                ByteBuf head = head(ctx, m, full, promise.isVoid());
                if (full != null) {
                    content(ctx, head, full.content(), trailers(full));
                } else if (head != null) {
                    out.add(head);
                } else {
                    // held back for its body
                    ReferenceCountUtil.release(msg);
                    return;
                }
            } else if (msg instanceof HttpContent c) {
                if (body == Body.NONE) {
                    throw unexpected(msg);
                }
                content(ctx, takeHeld(), c.content(), trailers(c));
            } else if (msg instanceof ByteBuf b) {
                if (!b.isReadable()) {
                    ByteBuf h = takeHeld();
                    if (h != null) {
                        out.add(h);
                    }
                    out.add(b.retain());
                } else if (body == Body.NONE) {
                    throw unexpected(msg);
                } else {
                    content(ctx, takeHeld(), b, null);
                }
            } else {
                writeHeld(ctx);
                emit(ctx, msg, promise);
                return;
            }
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(msg);
            ReferenceCountUtil.release(takeHeld());
            for (Object o : out) {
                ReferenceCountUtil.release(o);
            }
            out.clear();
            throw e;
        }
        ReferenceCountUtil.release(msg);
        writeOut(ctx, promise);
    }

    /** The trailers of {@code c} when it ends its body (maybe none), else null. */
    private static HttpHeaders trailers(HttpContent c) {
        return c instanceof LastHttpContent l ? l.trailingHeaders() : null;
    }

    private IllegalStateException unexpected(Object msg) {
        return new IllegalStateException("unexpected " + msg.getClass().getSimpleName() + " while "
                + (body == Body.NONE ? "no message is being written" : "a message's body is being written"));
    }

    /**
     * The head of {@code m}, with room after it for the body of {@code full} (the message itself, when
     * it is a full one) if that is at most {@link #MERGE_MAX}; sets how its body is written. When
     * {@code mayHold} and the head announces a plain body of at most {@code MERGE_MAX}, the head is
     * held back with room for it instead, and null is returned.
     */
    private ByteBuf head(ChannelHandlerContext ctx, H m, HttpContent full, boolean mayHold) {
        boolean none = bodyless(m);
        Body next = none ? Body.DROPPED : HttpUtil.isTransferEncodingChunked(m) ? Body.CHUNKED : Body.PLAIN;
        sanitize(m, none);
        int room;
        boolean hold = false;
        if (full != null) {
            int n = full.content().readableBytes();
            room = n <= MERGE_MAX ? n : 0;
        } else {
            room = mayHold && next == Body.PLAIN ? smallLength(m.headers().get(HttpHeaderNames.CONTENT_LENGTH)) : 0;
            hold = room > 0;
        }
        Head h = Head.start();
        startLine(h, m);
        h.fields(m.headers());
        ByteBuf buf = ctx.alloc().buffer(h.n + room);
        h.writeTo(buf);
        body = next;
        if (hold) {
            held = buf;
            return null;
        }
        return buf;
    }

    /** Adds the pieces that write {@code data} (and the end of the body when {@code trailers} is given). */
    private void content(ChannelHandlerContext ctx, ByteBuf head, ByteBuf data, HttpHeaders trailers) {
        int n = data.readableBytes();
        switch (body) {
            case PLAIN -> {
                if (head != null && n > 0 && head.maxFastWritableBytes() >= n) {
                    head.writeBytes(data, data.readerIndex(), n);
                    out.add(head);
                } else {
                    addIfAny(head, n > 0 ? data.retain() : null);
                }
            }
            case DROPPED -> addIfAny(head, null);
            case CHUNKED -> {
                ByteBuf frame = head;
                if (n > 0 && n <= MERGE_MAX) {
                    // A small piece leaves in one buffer: its size line, a copy of it, its CRLF.
                    int need = n + CHUNK_FRAMING;
                    if (frame != null && frame.maxFastWritableBytes() < need) {
                        out.add(frame);
                        frame = null;
                    }
                    if (frame == null) {
                        frame = ctx.alloc().buffer(need + (trailers != null ? LAST_CHUNK.length : 0));
                    }
                    hex(frame, n);
                    frame.writeBytes(data, data.readerIndex(), n);
                    frame.writeBytes(CRLF);
                } else if (n > 0) {
                    if (frame == null) {
                        frame = ctx.alloc().buffer(18);
                    }
                    hex(frame, n);
                    out.add(frame);
                    out.add(data.retain());
                    frame = ctx.alloc().buffer(trailers != null ? 2 + LAST_CHUNK.length : 2).writeBytes(CRLF);
                }
                if (trailers != null) {
                    ByteBuf end = frame != null ? frame : ctx.alloc().buffer(LAST_CHUNK.length);
                    if (trailers.isEmpty()) {
                        end.writeBytes(LAST_CHUNK);
                    } else {
                        Head h = Head.start();
                        h.bytes(LAST_CHUNK, 3);
                        h.fields(trailers);
                        h.writeTo(end);
                    }
                    out.add(end);
                } else {
                    addIfAny(frame, null);
                }
            }
            case NONE -> throw new IllegalStateException("no message is being written");
        }
        if (trailers != null) {
            body = Body.NONE;
        }
    }

    /** The value of a {@code Content-Length} of 1 to {@link #MERGE_MAX} bytes, else 0. */
    static int smallLength(String value) {
        if (value == null || value.isEmpty() || value.length() > 4) {
            return 0;
        }
        int v = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            v = v * 10 + (c - '0');
        }
        return v <= MERGE_MAX ? v : 0;
    }

    /** The head held back, no longer held; null when none was. */
    private ByteBuf takeHeld() {
        ByteBuf h = held;
        held = null;
        return h;
    }

    /** Writes the head held back, if any. */
    private void writeHeld(ChannelHandlerContext ctx) {
        ByteBuf h = takeHeld();
        if (h != null) {
            emit(ctx, h, ctx.voidPromise());
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writeHeld(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        // Unflushed writes are dropped by a close; so is the head held back.
        ReferenceCountUtil.release(takeHeld());
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ReferenceCountUtil.release(takeHeld());
    }

    /** Adds what is given; when neither is, an empty buffer, so that the write has something to complete. */
    private void addIfAny(ByteBuf a, ByteBuf b) {
        if (a != null) {
            out.add(a);
        }
        if (b != null) {
            out.add(b);
        }
        if (a == null && b == null) {
            out.add(Unpooled.EMPTY_BUFFER);
        }
    }

    private static void hex(ByteBuf buf, int n) {
        int digits = (Integer.SIZE - Integer.numberOfLeadingZeros(n) + 3) >>> 2;
        for (int shift = (digits - 1) << 2; shift >= 0; shift -= 4) {
            buf.writeByte(HEX[(n >>> shift) & 0xf]);
        }
        buf.writeBytes(CRLF);
    }

    private void writeOut(ChannelHandlerContext ctx, ChannelPromise promise) {
        try {
            int size = out.size();
            if (promise.isVoid()) {
                for (int i = 0; i < size; i++) {
                    Object o = out.get(i);
                    if (o instanceof ByteBuf b && !b.isReadable()) {
                        b.release();   // nothing to write, nobody to tell
                    } else {
                        emit(ctx, o, promise);
                    }
                }
            } else if (size == 1) {
                emit(ctx, out.get(0), promise);
            } else {
                PromiseCombiner all = new PromiseCombiner(ctx.executor());
                for (int i = 0; i < size; i++) {
                    all.add(emit(ctx, out.get(i), ctx.newPromise()));
                }
                all.finish(promise);
            }
        } finally {
            out.clear();
        }
    }

    /**
     * A head being laid out: its bytes so far in {@code b[0, n)}, in the array the thread keeps;
     * grows as needed.
     */
    static final class Head {

        private byte[] b;
        private int n;

        private Head(byte[] b) {
            this.b = b;
        }

        /** A head laid out in the thread's array. */
        static Head start() {
            return new Head(SCRATCH.get());
        }

        /** Field lines, then the empty line that ends the section. */
        void fields(HttpHeaders headers) {
            Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                text(e.getKey());
                pair(':', ' ');
                text(e.getValue());
                bytes(CRLF);
            }
            bytes(CRLF);
        }

        /** Copies the bytes laid out into {@code buf}. */
        void writeTo(ByteBuf buf) {
            buf.writeBytes(b, 0, n);
        }

        /** Grows the array for {@code more} bytes; the thread keeps a grown array for next time. */
        private void room(int more) {
            if (n + more > b.length) {
                b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, n + more));
                SCRATCH.keep(b);
            }
        }

        void bytes(byte[] s) {
            bytes(s, s.length);
        }

        void bytes(byte[] s, int len) {
            room(len);
            System.arraycopy(s, 0, b, n, len);
            n += len;
        }

        void pair(char x, char y) {
            room(2);
            b[n++] = (byte) x;
            b[n++] = (byte) y;
        }

        void space() {
            room(1);
            b[n++] = ' ';
        }

        /**
         * Each character as the one byte it stands for. Ferry holds no character beyond ISO-8859-1
         * (what it reads, from peers and from its configuration, is decoded as such); one would be
         * cut to its low 8 bits.
         */
        @SuppressWarnings("deprecation")
        void text(CharSequence s) {
            int len = s.length();
            room(len);
            if (s instanceof AsciiString a) {
                System.arraycopy(a.array(), a.arrayOffset(), b, n, len);
            } else if (s instanceof String str) {
                // A copy of the string's bytes as they are, where String.getBytes(charset) would allocate.
                str.getBytes(0, len, b, n);
            } else {
                for (int i = 0; i < len; i++) {
                    b[n + i] = (byte) s.charAt(i);
                }
            }
            n += len;
        }

        void code(int code) {
            room(3);
            b[n++] = (byte) ('0' + code / 100);
            b[n++] = (byte) ('0' + code / 10 % 10);
            b[n++] = (byte) ('0' + code % 10);
        }
    }
}
