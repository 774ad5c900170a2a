package io.ferry.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import java.util.ArrayDeque;

/**
 * The server connection's codec: Netty's encoder for requests, {@link Http1Decoder} for responses.
 * The encoder tells the decoder each request's method (a response to {@code HEAD} has no body);
 * once the connection switched protocols, both directions pass bytes as they are.
 */
public final class Http1ClientCodec extends CombinedChannelDuplexHandler<Http1Decoder, HttpRequestEncoder> {

    public Http1ClientCodec(Http1Settings settings) {
        ArrayDeque<HttpMethod> sent = new ArrayDeque<>(2);
        Http1Decoder decoder = Http1Decoder.responses(settings, sent);
        init(decoder, new RequestEncoder(decoder, sent));
    }

    private static final class RequestEncoder extends HttpRequestEncoder {

        private final Http1Decoder decoder;
        private final ArrayDeque<HttpMethod> sent;

        RequestEncoder(Http1Decoder decoder, ArrayDeque<HttpMethod> sent) {
            this.decoder = decoder;
            this.sent = sent;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (decoder.upgraded() && !(msg instanceof HttpObject)) {
                ctx.write(msg, promise);
                return;
            }
            if (msg instanceof HttpRequest r) {
                sent.add(r.method());
            }
            super.write(ctx, msg, promise);
        }
    }
}
