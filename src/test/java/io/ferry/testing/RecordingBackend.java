package io.ferry.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that reads what a proxy forwards with an independent parser (Netty's own decoder),
 * answers {@code 200 ok} to each complete request, and records what would make the forwarded bytes
 * ambiguous: a request with both Content-Length and Transfer-Encoding, a Content-Length that is
 * not one plain number, a Transfer-Encoding not ending in chunked, bytes it cannot parse.
 */
public final class RecordingBackend implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger complete = new AtomicInteger();
    private final List<String> ambiguities = new CopyOnWriteArrayList<>();
    private volatile HttpRequest last;

    public RecordingBackend() {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Recorder());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    public String address() {
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Complete requests received so far. */
    public int complete() {
        return complete.get();
    }

    /** The last request head received. */
    public HttpRequest last() {
        return last;
    }

    /** Everything that made a forwarded message ambiguous, so far. */
    public List<String> ambiguities() {
        return List.copyOf(ambiguities);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder extends SimpleChannelInboundHandler<HttpObject> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg.decoderResult().isFailure()) {
                ambiguities.add("unparseable bytes: " + msg.decoderResult().cause());
                ctx.close();
                return;
            }
            if (msg instanceof HttpRequest r) {
                last = r;
                List<String> cl = r.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
                List<String> te = r.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
                if (!cl.isEmpty() && !te.isEmpty()) {
                    ambiguities.add(r.uri() + ": both Content-Length and Transfer-Encoding");
                }
                if (cl.size() > 1 || (cl.size() == 1 && !cl.get(0).matches("[0-9]+"))) {
                    ambiguities.add(r.uri() + ": Content-Length " + cl);
                }
                if (!te.isEmpty() && !String.join(",", te).strip().toLowerCase().endsWith("chunked")) {
                    ambiguities.add(r.uri() + ": Transfer-Encoding " + te);
                }
            }
            if (msg instanceof LastHttpContent) {
                complete.incrementAndGet();
                FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                ok.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                ctx.writeAndFlush(ok);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
