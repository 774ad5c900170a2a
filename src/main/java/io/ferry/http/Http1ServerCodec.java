package io.ferry.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;

/**
 * The client connection's codec: {@link Http1Decoder} for requests, {@link Http1Encoder} for
 * responses. The encoder knows which request each response answers (no body after {@code HEAD});
 * once a {@code 101} switching to another protocol is written, both directions pass bytes as they are.
 */
public final class Http1ServerCodec extends Http1Codec {

    /** A codec that tells {@code onBytes} of each read, before decoding it (see {@link Http1Codec}). */
    public Http1ServerCodec(Http1Settings settings, Runnable onBytes) {
        this(settings, onBytes, null);
    }

    /** As {@link #Http1ServerCodec(Http1Settings, Runnable)}, telling {@code counts} of the bytes each way. */
    public Http1ServerCodec(Http1Settings settings, Runnable onBytes, ByteCounts counts) {
        this(Http1Decoder.requests(settings, new ArrayDeque<>(2)), onBytes, counts);
    }

    private Http1ServerCodec(Http1Decoder decoder, Runnable onBytes, ByteCounts counts) {
        super(decoder, new ResponseEncoder(decoder, decoder.methods()), onBytes, counts);
    }

    private static final class ResponseEncoder extends Http1Encoder<HttpResponse> {

        private final Http1Decoder decoder;
        private final ArrayDeque<HttpMethod> methods;
        private HttpMethod method;

        ResponseEncoder(Http1Decoder decoder, ArrayDeque<HttpMethod> methods) {
            super(HttpResponse.class);
            this.decoder = decoder;
            this.methods = methods;
        }

        @Override
        boolean passThrough(Object msg) {
            return decoder.upgraded() && !(msg instanceof HttpObject);
        }

        @Override
        void startLine(Head head, HttpResponse m) {
            HttpResponseStatus status = m.status();
            head.text(m.protocolVersion().text());
            head.space();
            head.code(status.code());
            head.space();
            head.text(status.reasonPhrase());
            head.pair('\r', '\n');
        }

        @Override
        boolean bodyless(HttpResponse msg) {
            int code = msg.status().code();
            // An interim response leaves its request open; a final one (101 included) ends it.
            method = code < 200 && code != 101 ? methods.peek() : methods.poll();
            if (code == 101 && msg.headers().contains(HttpHeaderNames.UPGRADE)) {
                decoder.upgrade();
            }
            // A 205 has an empty body besides (RFC 9110 §15.3.6).
            return ConnectionHeaders.bodyless(method, msg) || code == 205;
        }

        @Override
        void sanitize(HttpResponse msg, boolean bodyless) {
            int code = msg.status().code();
            if (!bodyless && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                // RFC 9110 §9.3.6: a 2xx to CONNECT has no framing; what follows is the tunnel.
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            } else if (code < 200 || code == 204) {
                // RFC 9110 §8.6 and RFC 9112 §6.1: neither field belongs in these responses.
                msg.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            } else if (code == 205) {
                // RFC 9110 §15.3.6: a 205 says it has no body.
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                msg.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            }
        }
    }
}
