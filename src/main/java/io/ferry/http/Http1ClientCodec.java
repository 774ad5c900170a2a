package io.ferry.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayDeque;

/**
 * The server connection's codec: {@link Http1Encoder} for requests, {@link Http1Decoder} for
 * responses. The encoder tells the decoder each request's method (a response to {@code HEAD} has no
 * body); once the connection switched protocols, both directions pass bytes as they are.
 */
public final class Http1ClientCodec extends Http1Codec {

    /** A codec that tells {@code onBytes} of each read, before decoding it (see {@link Http1Codec}). */
    public Http1ClientCodec(Http1Settings settings, Runnable onBytes) {
        this(Http1Decoder.responses(settings, new ArrayDeque<>(2)), onBytes);
    }

    private Http1ClientCodec(Http1Decoder decoder, Runnable onBytes) {
        super(decoder, new RequestEncoder(decoder, decoder.methods()), onBytes, null);
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
            target(head, m.uri());
            head.space();
            head.text(m.protocolVersion().text());
            head.pair('\r', '\n');
        }

        /** The request target; an empty one, or an absolute-form one with no path, gets the path "/" (RFC 9112 §3.2). */
        private static void target(Head head, String uri) {
            if (uri.isEmpty()) {
                head.text("/");
                return;
            }
            int scheme = uri.charAt(0) == '/' ? -1 : uri.indexOf("://");
            if (scheme >= 0) {
                int authority = scheme + 3;
                int query = uri.indexOf('?', authority);
                int slash = uri.indexOf('/', authority);
                if (slash < 0 || (query >= 0 && slash > query)) {
                    int at = query < 0 ? uri.length() : query;
                    head.text(uri.substring(0, at));
                    head.text("/");
                    head.text(uri.substring(at));
                    return;
                }
            }
            head.text(uri);
        }

        @Override
        boolean bodyless(HttpRequest m) {
            sent.add(m.method());
            return false;
        }
    }
}
