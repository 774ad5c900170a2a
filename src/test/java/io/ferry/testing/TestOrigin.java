package io.ferry.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real HTTP/1.1 origin on 127.0.0.1 and an ephemeral port, for proxying tests. It counts
 * the connections it accepted and the requests it served, and answers by path:
 *
 * <ul>
 *   <li>{@code /echo}: streams the request body back, chunked, with back-pressure;
 *   <li>{@code /bytes?n=N}: sends N bytes of {@code 'x'} with a Content-Length, with back-pressure;
 *   <li>{@code /count}: reads the request body without keeping it and answers its length;
 *   <li>{@code /status/N}: answers status N with no body;
 *   <li>{@code /delay/MS}: answers after MS milliseconds;
 *   <li>anything else: {@code 200} with body {@code NAME METHOD URI}, and headers {@code x-origin}
 *       (its name) and {@code x-request-headers} (the names it received, comma-separated).
 * </ul>
 */
public final class TestOrigin implements AutoCloseable {

    private static final byte[] BLOCK = "x".repeat(65536).getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    /** Its accepted connections, closed with it as a process that exits closes them. */
    private final io.netty.channel.group.ChannelGroup children =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<HttpRequest> seen = new ConcurrentLinkedQueue<>();

    private TestOrigin(String name, java.net.SocketAddress at) throws InterruptedException {
        this.name = name;
        boolean unix = at instanceof java.net.UnixDomainSocketAddress;
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channel(unix ? io.netty.channel.socket.nio.NioServerDomainSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new OriginHandler());
                    }
                });
        if (!unix) {
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        server = b.bind(at).sync().channel();
    }

    /** Starts an origin named {@code name}. */
    public static TestOrigin start(String name) {
        return start(name, 0);
    }

    /** Starts an origin named {@code name} on {@code port} (0 for any): an origin coming back. */
    public static TestOrigin start(String name, int port) {
        return start(name, new InetSocketAddress("127.0.0.1", port));
    }

    /** Starts an origin named {@code name} listening on the unix stream socket {@code path}. */
    public static TestOrigin startUnix(String name, java.nio.file.Path path) {
        return start(name, java.net.UnixDomainSocketAddress.of(path));
    }

    private static TestOrigin start(String name, java.net.SocketAddress at) {
        try {
            return new TestOrigin(name, at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code 127.0.0.1:PORT}, for a {@code server} line. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return children.size();
    }

    /** Requests whose head was received so far. */
    public int requests() {
        return requests.get();
    }

    /** The most requests it was answering at the same time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The request heads received, oldest first. */
    public List<HttpRequest> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        server.close().syncUninterruptibly();
        // Shutting the group down alone may leave an accepted unix socket open and unread.
        children.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class OriginHandler extends SimpleChannelInboundHandler<HttpObject> {

        private String route = "";
        private HttpRequest request;
        private long remaining;
        private long received;
        private boolean keepAlive;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                requests.incrementAndGet();
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                seen.add(r);
                request = r;
                received = 0;
                keepAlive = HttpUtil.isKeepAlive(r);
                route = new QueryStringDecoder(r.uri()).path();
                if (route.equals("/echo")) {
                    HttpResponse head = new DefaultHttpResponse(r.protocolVersion(), HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    ctx.write(head);
                }
            }
            if (msg instanceof HttpContent c) {
                received += c.content().readableBytes();
                if (route.equals("/echo")) {
                    ByteBuf data = c.content().retain();
                    if (c instanceof LastHttpContent) {
                        ctx.write(new DefaultHttpContent(data));
                        finish(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
                    } else {
                        ctx.writeAndFlush(new DefaultHttpContent(data));
                        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
                    }
                } else if (c instanceof LastHttpContent) {
                    answer(ctx);
                }
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            if (route.equals("/bytes")) {
                Map<String, List<String>> q = new QueryStringDecoder(request.uri()).parameters();
                remaining = Long.parseLong(q.get("n").get(0));
                HttpResponse head = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
                HttpUtil.setContentLength(head, remaining);
                ctx.write(head);
                pump(ctx);
            } else if (route.equals("/count")) {
                finish(ctx, ctx.writeAndFlush(text(Long.toString(received))));
            } else if (route.startsWith("/status/")) {
                int status = Integer.parseInt(route.substring(8));
                FullHttpResponse res = new DefaultFullHttpResponse(request.protocolVersion(),
                        HttpResponseStatus.valueOf(status));
                if (status >= 200 && status != 204 && status != 304) {
                    HttpUtil.setContentLength(res, 0);
                }
                finish(ctx, ctx.writeAndFlush(res));
            } else if (route.startsWith("/delay/")) {
                long ms = Long.parseLong(route.substring(7));
                ctx.executor().schedule(() -> finish(ctx, ctx.writeAndFlush(plain())), ms, TimeUnit.MILLISECONDS);
            } else {
                finish(ctx, ctx.writeAndFlush(plain()));
            }
        }

        private FullHttpResponse plain() {
            return text(name + " " + request.method() + " " + request.uri());
        }

        private FullHttpResponse text(String text) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            res.headers().set("x-origin", name);
            res.headers().set("x-request-headers", String.join(",", request.headers().names()));
            HttpUtil.setContentLength(res, body.length);
            return res;
        }

        /** Writes body blocks while the socket takes them; resumes on writability. */
        private void pump(ChannelHandlerContext ctx) {
            while (remaining > 0 && ctx.channel().isWritable()) {
                int n = (int) Math.min(remaining, BLOCK.length);
                remaining -= n;
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(BLOCK, 0, n)));
            }
            if (remaining == 0) {
                remaining = -1;
                finish(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            } else {
                ctx.flush();
            }
        }

        private void finish(ChannelHandlerContext ctx, io.netty.channel.ChannelFuture last) {
            inFlight.decrementAndGet();
            ctx.channel().config().setAutoRead(true);
            if (!keepAlive) {
                last.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (route.equals("/bytes") && remaining > 0 && ctx.channel().isWritable()) {
                // Not from inside this callback: it runs in the middle of a flush, which ignores new flushes.
                ctx.executor().execute(() -> pump(ctx));
            } else if (route.equals("/echo")) {
                ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
