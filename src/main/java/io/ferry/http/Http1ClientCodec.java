package io.ferry.http;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayDeque;

/**
 * The server connection's codec: {@link Http1Encoder} for requests, {@link Http1Decoder} for
 * responses. The encoder tells the decoder each request's method (a response to {@code HEAD} has no
 * body); once the connection switched protocols, both directions pass bytes as they are.
 */
public final class Http1ClientCodec extends CombinedChannelDuplexHandler<Http1Decoder, Http1Encoder<HttpRequest>> {

    public Http1ClientCodec(Http1Settings settings) {
        ArrayDeque<HttpMethod> sent = new ArrayDeque<>(2);
        Http1Decoder decoder = Http1Decoder.responses(settings, sent);
        init(decoder, new RequestEncoder(decoder, sent));
    }

    private static final class RequestEncoder extends Http1Encoder<HttpRequest> {

        private final Http1Decoder decoder;
        private final ArrayDeque<HttpMethod> sent;

        RequestEncoder(Http1Decoder decoder, ArrayDeque<HttpMethod> sent) {
            super(HttpRequest.class);
            this.decoder = decoder;
            this.sent = sent;
        }

        @Override
        boolean passThrough(Object msg) {
            return decoder.upgraded() && !(msg instanceof HttpObject);
        }

        @Override
        void startLine(Head head, HttpRequest m) {
            head.text(m.method().asciiName());
            head.space();
            String uri = m.uri();
            // An absolute-form target with no path is given the path "/" (RFC 9112 §3.2.2).
            int scheme = uri.indexOf("://");
            if (uri.isEmpty()) {
                head.text("/");
            } else if (scheme >= 0 && uri.charAt(0) != '/' && !hasPath(uri, scheme + 3)) {
                int query = uri.indexOf('?', scheme + 3);
                if (query < 0) {
                    head.text(uri);
                    head.text("/");
                } else {
                    head.text(uri.substring(0, query));
                    head.text("/");
                    head.text(uri.substring(query));
                }
            } else {
                head.text(uri);
            }
            head.space();
            head.text(m.protocolVersion().text());
            head.pair('\r', '\n');
        }

        private static boolean hasPath(String uri, int authority) {
            int query = uri.indexOf('?', authority);
            int slash = uri.indexOf('/', authority);
            return slash >= 0 && (query < 0 || slash < query);
        }

        @Override
        boolean bodyless(HttpRequest m) {
            sent.add(m.method());
            return false;
        }
    }
}
