package io.ferry.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A static web site on 127.0.0.1 and an ephemeral port, standing in for nginx: it serves the demo
 * page and its assets from the class path ({@code io/ferry/demo/site/}), read once at start.
 *
 * <p>{@code GET} and {@code HEAD} of a known path answer 200 with its {@code Content-Type} and
 * {@code Content-Length}; {@code /} is {@code index.html}; any other path is 404 and any other
 * method 405 with {@code Allow: GET, HEAD}. Connections are kept alive as HTTP/1.1 says. Request
 * bodies above 64 KiB are refused with 413.
 */
public final class DemoSite implements AutoCloseable {

    /** The files of the site, by the path they are served at. */
    static final Map<String, String> TYPES = Map.of(
            "/index.html", "text/html; charset=utf-8",
            "/silent.html", "text/html; charset=utf-8",
            "/demo.css", "text/css; charset=utf-8",
            "/demo.js", "text/javascript; charset=utf-8",
            "/favicon.svg", "image/svg+xml");

    private static final int MAX_BODY = 64 * 1024;

    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final Channel server;

    private record Asset(String contentType, byte[] body) {
    }

    private DemoSite(EventLoopGroup group) {
        TYPES.forEach((path, type) -> assets.put(path, new Asset(type, read(path))));
        server = DemoOrigins.listen(group, ch -> ch.pipeline().addLast(new HttpServerCodec(),
                new HttpServerKeepAliveHandler(), new HttpObjectAggregator(MAX_BODY), new SiteHandler()));
    }

    /** Starts the site on {@code group}'s event loops; {@link #close} stops listening. */
    public static DemoSite start(EventLoopGroup group) {
        return new DemoSite(group);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private static byte[] read(String path) {
        String resource = "site" + path;
        try (InputStream in = DemoSite.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks io/ferry/demo/" + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class SiteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = respond(request);
            HttpUtil.setKeepAlive(response, request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request));
            // The keep-alive handler closes the connection after the response when either side said so.
            ctx.writeAndFlush(response);
        }

        private FullHttpResponse respond(FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                return text(HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
            }
            boolean head = request.method().equals(HttpMethod.HEAD);
            if (!head && !request.method().equals(HttpMethod.GET)) {
                FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n", false);
                r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                return r;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            Asset asset = assets.get(path.equals("/") ? "/index.html" : path);
            if (asset == null) {
                return text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n", head);
            }
            FullHttpResponse r = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.body()));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, asset.body().length)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            return r;
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body, boolean head) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            return r;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
