package io.ferry.demo;

import io.ferry.config.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket chat on 127.0.0.1 and an ephemeral port, standing in for a Node application. It
 * speaks WebSocket on {@code /ws} (Netty's RFC 6455 codec) and answers any other request 404.
 *
 * <p>A chat client receives JSON text messages: {@code {"type":"hello","id":N}} once, then
 * {@code {"type":"chat","from":N,"text":"..."}} for every text message any client sends — the
 * sender included, so a lone client sees its messages echoed — and {@code {"type":"counts",...}}
 * with {@link Counts} whenever they change (at most every {@value #COUNTS_INTERVAL_MS} ms).
 *
 * <p>A client that connects to {@code /ws?silent} meets an application that has stopped
 * answering, the way a stuck process does: after the handshake the application ignores whatever it
 * receives from it, answers no frame (not even a close frame), and ignores the client's FIN, so its socket
 * stays half-closed (CLOSE_WAIT) after the client has gone. It closes each such connection only
 * after {@code silentHold}. A proxy between the two must end its own half of such a connection by
 * its own deadline ({@code timeout server-fin}).
 */
public final class ChatServer implements AutoCloseable {

    /** The path clients connect to. */
    public static final String PATH = "/ws";

    private static final int COUNTS_INTERVAL_MS = 100;
    private static final int MAX_TEXT = 2000;
    private static final AttributeKey<Integer> ID = AttributeKey.valueOf("ferry.demo.chat.id");

    /**
     * What the application knows about its connections.
     *
     * @param chatClients chat connections open now
     * @param silentHeld silent connections open now (the application has not closed them)
     * @param silentPeerGone of those, the ones whose client has closed its side (CLOSE_WAIT here)
     * @param silentClosed silent connections the application has closed since it started
     * @param messages chat messages broadcast since it started
     */
    public record Counts(int chatClients, int silentHeld, int silentPeerGone, long silentClosed, long messages) {

        String json() {
            return "{\"type\":\"counts\",\"chatClients\":" + chatClients + ",\"silentHeld\":" + silentHeld
                    + ",\"silentPeerGone\":" + silentPeerGone + ",\"silentClosed\":" + silentClosed
                    + ",\"messages\":" + messages + "}";
        }
    }

    private final Duration silentHold;
    private final Channel server;
    private final ChannelGroup chatClients = new DefaultChannelGroup("demo-chat", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup silentClients = new DefaultChannelGroup("demo-silent", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicInteger silentHeld = new AtomicInteger();
    private final AtomicInteger silentPeerGone = new AtomicInteger();
    private final AtomicLong silentClosed = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicBoolean countsPending = new AtomicBoolean();

    private ChatServer(EventLoopGroup group, Duration silentHold) {
        this.silentHold = silentHold;
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true)
                .build();
        server = DemoOrigins.listen(group, ch -> ch.pipeline().addLast(new HttpServerCodec(),
                new HttpObjectAggregator(8192), new WebSocketServerProtocolHandler(ws), new NotFoundHandler(),
                new ChatHandler()));
    }

    /**
     * Starts the chat on {@code group}'s event loops.
     *
     * @param silentHold how long the application keeps a silent connection before closing it
     */
    public static ChatServer start(EventLoopGroup group, Duration silentHold) {
        return new ChatServer(group, silentHold);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public Counts counts() {
        return new Counts(chatClients.size(), silentHeld.get(), silentPeerGone.get(), silentClosed.get(),
                messages.get());
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        chatClients.close().syncUninterruptibly();
        silentClients.close().syncUninterruptibly();
    }

    private void countsChanged() {
        if (countsPending.compareAndSet(false, true)) {
            server.eventLoop().schedule(() -> {
                countsPending.set(false);
                chatClients.writeAndFlush(new TextWebSocketFrame(counts().json()));
            }, COUNTS_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Plain HTTP requests that are not WebSocket handshakes on {@link #PATH}. */
    private static final class NotFoundHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] body = ("not found: this is a WebSocket application; connect to " + PATH + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class ChatHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

        private boolean silent;
        private boolean peerGone;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
                if (new QueryStringDecoder(hs.requestUri()).parameters().containsKey("silent")) {
                    goSilent(ctx);
                } else {
                    join(ctx);
                }
            } else if (evt instanceof ChannelInputShutdownEvent && silent) {
                // The client has gone; a silent application does not notice, so its socket stays in CLOSE_WAIT.
                peerGone = true;
                silentPeerGone.incrementAndGet();
                countsChanged();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        private void join(ChannelHandlerContext ctx) {
            int id = nextId.incrementAndGet();
            ctx.channel().attr(ID).set(id);
            chatClients.add(ctx.channel());
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"hello\",\"id\":" + id + "}"));
            ctx.channel().closeFuture().addListener(f -> countsChanged());
            countsChanged();
        }

        private void goSilent(ChannelHandlerContext ctx) {
            silent = true;
            Channel ch = ctx.channel();
            // No more ping, pong or close handling, and a FIN from the client no longer closes the channel.
            ctx.pipeline().remove(WebSocketServerProtocolHandler.class);
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            silentHeld.incrementAndGet();
            silentClients.add(ch);
            ch.closeFuture().addListener(f -> {
                silentHeld.decrementAndGet();
                if (peerGone) {
                    silentPeerGone.decrementAndGet();
                }
                silentClosed.incrementAndGet();
                countsChanged();
            });
            ch.eventLoop().schedule(() -> ch.close(), silentHold.toMillis(), TimeUnit.MILLISECONDS);
            countsChanged();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (silent || !(frame instanceof TextWebSocketFrame text)) {
                return;
            }
            String t = text.text();
            if (t.length() > MAX_TEXT) {
                t = t.substring(0, MAX_TEXT);
            }
            messages.incrementAndGet();
            String from = Integer.toString(ctx.channel().attr(ID).get());
            chatClients.writeAndFlush(new TextWebSocketFrame("{\"type\":\"chat\",\"from\":" + from + ",\"text\":"
                    + Json.quote(t) + "}"));
            countsChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
