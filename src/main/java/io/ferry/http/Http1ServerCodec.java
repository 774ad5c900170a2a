package io.ferry.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;

/**
 * The client connection's codec: {@link Http1Decoder} for requests, Netty's encoder for responses.
 * The encoder knows which request each response answers (no body after {@code HEAD}); once a
 * {@code 101} switching to another protocol is written, both directions pass bytes as they are.
 */
public final class Http1ServerCodec extends CombinedChannelDuplexHandler<Http1Decoder, HttpResponseEncoder> {

    public Http1ServerCodec(Http1Settings settings) {
        ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
        Http1Decoder decoder = Http1Decoder.requests(settings, methods);
        init(decoder, new ResponseEncoder(decoder, methods));
    }

    private static final class ResponseEncoder extends HttpResponseEncoder {

        private final Http1Decoder decoder;
        private final ArrayDeque<HttpMethod> methods;
        private HttpMethod method;

        ResponseEncoder(Http1Decoder decoder, ArrayDeque<HttpMethod> methods) {
            this.decoder = decoder;
            this.methods = methods;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (decoder.upgraded() && !(msg instanceof HttpObject)) {
                ctx.write(msg, promise);
            } else {
                super.write(ctx, msg, promise);
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            // An interim response leaves its request open; a final one (101 included) ends it.
            method = code < 200 && code != 101 ? methods.peek() : methods.poll();
            if (code == 101 && msg.headers().contains(HttpHeaderNames.UPGRADE)) {
                decoder.upgrade();
            }
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                // RFC 9110 §9.3.6: a 2xx to CONNECT has no framing; what follows is the tunnel.
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }
    }
}
