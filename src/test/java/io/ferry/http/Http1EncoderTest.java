package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The encoders of both codecs, on an embedded channel: the exact bytes each message becomes. */
class Http1EncoderTest {

    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** A client connection's codec that has decoded {@code request} (so it knows what the response answers). */
    private EmbeddedChannel clientSide(String request) {
        channel = new EmbeddedChannel(new Http1ServerCodec(settings(false), () -> { }));
        channel.writeInbound(bytes(request));
        Object m;
        while ((m = channel.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        return channel;
    }

    private EmbeddedChannel serverSide() {
        channel = new EmbeddedChannel(new Http1ClientCodec(settings(false), () -> { }));
        return channel;
    }

    private static Http1Settings settings(boolean acceptInvalid) {
        return new Http1Settings(3072, 20, acceptInvalid, new ErrorCaptures(), "p", null);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Everything written so far, as one string of ISO-8859-1 characters; also how many buffers it came in. */
    private String written() {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    private static HttpResponse response(HttpResponseStatus status, String... fields) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    private static HttpContent content(String s) {
        return new DefaultHttpContent(bytes(s));
    }

    @Test
    void aResponseIsItsStatusLineItsFieldsInOrderThenItsBodyAsItIs() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Server", "x", "Content-Length", "5", "set-cookie", "a=1",
                "Set-Cookie", "b=2"));
        channel.write(content("he"));
        channel.writeAndFlush(new DefaultLastHttpContent(bytes("llo")));
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\nset-cookie: a=1\r\n"
                + "Set-Cookie: b=2\r\n\r\nhello");
    }

    @Test
    void everyByteOfAFieldIsPassedOnAsItCame() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.writeAndFlush(response(new HttpResponseStatus(299, "Caf\u00e9 \u00ff"), "X-A", "caf\u00e9\t\u00ff",
                "Content-Length", "0"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        ByteBuf b = Unpooled.buffer();
        Object m;
        while ((m = channel.readOutbound()) != null) {
            b.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
        byte[] expected = "HTTP/1.1 299 Caf\u00e9 \u00ff\r\nX-A: caf\u00e9\t\u00ff\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] actual = new byte[b.readableBytes()];
        b.readBytes(actual);
        b.release();
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void aChunkedBodyIsFramedChunkByChunkWithItsTrailers() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"));
        channel.write(content("hello"));
        channel.write(content(""));
        channel.write(Unpooled.copiedBuffer("0123456789abcdefg", StandardCharsets.ISO_8859_1));
        LastHttpContent last = new DefaultLastHttpContent(bytes("!"));
        last.trailingHeaders().add("X-Sum", "7");
        channel.writeAndFlush(last);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n" + "11\r\n0123456789abcdefg\r\n" + "1\r\n!\r\n" + "0\r\nX-Sum: 7\r\n\r\n");

        // The next response starts afresh; an empty last content ends a chunked body with the last chunk.
        channel.writeInbound(bytes("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
        Object m;
        while ((m = channel.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        channel.write(response(HttpResponseStatus.OK, "Transfer-Encoding", "gzip, chunked"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    }

    /** Each buffer written so far, as a string of ISO-8859-1 characters. */
    private List<String> buffers() {
        List<String> all = new ArrayList<>();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            all.add(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return all;
    }

    @Test
    void aSmallChunkLeavesAsOneBufferAndALargeOneBetweenItsSizeLineAndCrlf() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.writeAndFlush(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"));
        assertThat(buffers()).hasSize(1);

        channel.writeAndFlush(content("hello"));
        assertThat(buffers()).containsExactly("5\r\nhello\r\n");

        String large = "x".repeat(5000);
        channel.writeAndFlush(content(large));
        assertThat(buffers()).containsExactly("1388\r\n", large, "\r\n");

        channel.writeAndFlush(new DefaultLastHttpContent(bytes("!")));
        assertThat(buffers()).containsExactly("1\r\n!\r\n0\r\n\r\n");

        channel.writeInbound(bytes("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
        Object m;
        while ((m = channel.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        channel.writeAndFlush(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"));
        buffers();
        channel.writeAndFlush(new DefaultLastHttpContent(bytes(large)));
        assertThat(buffers()).containsExactly("1388\r\n", large, "\r\n0\r\n\r\n");
    }

    @Test
    void theBodyOfAResponseToHeadIsDropped() {
        clientSide("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"));
        ChannelFuture body = channel.writeAndFlush(new DefaultLastHttpContent(bytes("hello")));
        assertThat(body.isSuccess()).isTrue();
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    }

    @Test
    void a204LosesItsFramingFieldsAndA205SaysItIsEmpty() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.NO_CONTENT, "Content-Length", "3", "X", "y"));
        channel.writeAndFlush(new DefaultLastHttpContent(bytes("abc")));
        assertThat(written()).isEqualTo("HTTP/1.1 204 No Content\r\nX: y\r\n\r\n");
        channel.write(response(HttpResponseStatus.RESET_CONTENT, "Transfer-Encoding", "chunked"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written()).isEqualTo("HTTP/1.1 205 Reset Content\r\ncontent-length: 0\r\n\r\n");
    }

    @Test
    void aSmallFullResponseIsWrittenAsOneBuffer() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                bytes("gone"));
        r.headers().add("Content-Length", "4");
        channel.writeAndFlush(r);
        ByteBuf only = channel.readOutbound();
        assertThat(only.toString(StandardCharsets.ISO_8859_1))
                .isEqualTo("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone");
        only.release();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void aHeadWrittenWithoutPromiseWaitsForASmallBodyToLeaveWithIt() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"), channel.voidPromise());
        channel.write(content("hello"), channel.voidPromise());
        channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        channel.flush();
        // One buffer, and nothing for the empty end of the body.
        assertThat(buffers()).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        // A body in two pieces: the first goes with the head, the second after it.
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"), channel.voidPromise());
        channel.write(content("he"), channel.voidPromise());
        channel.write(new DefaultLastHttpContent(bytes("llo")), channel.voidPromise());
        channel.flush();
        assertThat(buffers()).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe", "llo");
    }

    @Test
    void aHeadHeldBackLeavesAtAFlushOrBeforeWhateverElseIsWritten() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "3"), channel.voidPromise());
        channel.flush();
        assertThat(buffers()).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
        channel.writeAndFlush(new DefaultLastHttpContent(bytes("abc")), channel.voidPromise());
        assertThat(buffers()).containsExactly("abc");

        // An empty buffer written to be told of (close after flush) takes the head along, in order.
        channel.finishAndReleaseAll();
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "3"), channel.voidPromise());
        assertThat(channel.writeAndFlush(Unpooled.EMPTY_BUFFER).isSuccess()).isTrue();
        assertThat(String.join("", buffers())).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
    }

    @Test
    void aHeadHeldBackIsReleasedWhenTheConnectionCloses() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "3"), channel.voidPromise());
        channel.close();
        assertThat(buffers()).isEmpty();
        // the leak check of the test run fails the build should the held buffer not be released
    }

    @Test
    void aHeadIsNotHeldForALargeBodyNorForAWriteThatHasAPromise() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        String big = "b".repeat(5000);
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5000"), channel.voidPromise());
        channel.write(new DefaultLastHttpContent(bytes(big)), channel.voidPromise());
        channel.flush();
        assertThat(buffers()).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", big);

        ChannelFuture head = channel.write(response(HttpResponseStatus.OK, "Content-Length", "2"));
        channel.write(new DefaultLastHttpContent(bytes("ok")));
        channel.flush();
        assertThat(head.isSuccess()).isTrue();
        assertThat(buffers()).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", "ok");
    }

    @Test
    void aSmallLengthIsReadOnlyFromPlainDigits() {
        assertThat(Http1Encoder.smallLength("1024")).isEqualTo(1024);
        assertThat(Http1Encoder.smallLength("4096")).isEqualTo(4096);
        assertThat(Http1Encoder.smallLength("4097")).isZero();
        assertThat(Http1Encoder.smallLength("10000")).isZero();
        assertThat(Http1Encoder.smallLength("0")).isZero();
        assertThat(Http1Encoder.smallLength("")).isZero();
        assertThat(Http1Encoder.smallLength(null)).isZero();
        assertThat(Http1Encoder.smallLength("1 2")).isZero();
        assertThat(Http1Encoder.smallLength("+12")).isZero();
    }

    @Test
    void aRequestTargetIsPassedOnByteForByte() {
        channel = new EmbeddedChannel(new Http1ClientCodec(settings(true), () -> { }));
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/caf\u00e9?q=\u00ff");
        r.headers().add("Host", "a");
        channel.write(r);
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written()).isEqualTo("GET /caf\u00e9?q=\u00ff HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    @Test
    void anAbsoluteTargetWithoutAPathGetsTheRootPath() {
        serverSide();
        channel.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://a.example"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://a.example?x=/"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.OPTIONS, "*"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, "a.example:443"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written()).isEqualTo("GET http://a.example/ HTTP/1.1\r\n\r\n" + "GET http://a.example/?x=/ HTTP/1.1\r\n\r\n"
                + "OPTIONS * HTTP/1.0\r\n\r\n" + "CONNECT a.example:443 HTTP/1.1\r\n\r\n");
    }

    @Test
    void anEmptyBufferPassesInAnyStateSoThatCloseAfterFlushWorks() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(channel.writeAndFlush(Unpooled.EMPTY_BUFFER).isSuccess()).isTrue();
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "1"));
        assertThat(channel.writeAndFlush(Unpooled.EMPTY_BUFFER).isSuccess()).isTrue();
        channel.writeAndFlush(new DefaultLastHttpContent(bytes("x")));
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    }

    @Test
    void aBodyWithoutAHeadFailsItsWriteAndIsReleased() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        HttpContent stray = content("stray");
        ChannelFuture f = channel.writeAndFlush(stray);
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("no message");
        assertThat(stray.refCnt()).isZero();
        assertThat(written()).isEmpty();
    }

    @Test
    void aHeadLargerThanTheSharedArrayIsWrittenWhole() {
        clientSide("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        String big = "v".repeat(70_000);
        channel.writeAndFlush(response(HttpResponseStatus.OK, "X-Big", big, "Content-Length", "0"));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nContent-Length: 0\r\n\r\n");
    }

    /**
     * Given counts, the client connection's codec counts each byte it reads and each it passes on
     * to be written, as they leave it: a head held back for its body, the pieces of a chunked body
     * written with a promise, and what passes once the connection switched protocols.
     */
    @Test
    void theCountsAreTheBytesReadAndTheBytesPassedOn() {
        long[] read = new long[1];
        long[] written = new long[1];
        ByteCounts counts = new ByteCounts() {
            @Override
            public void read(long bytes) {
                read[0] += bytes;
            }

            @Override
            public void written(long bytes) {
                written[0] += bytes;
            }
        };
        channel = new EmbeddedChannel(new Http1ServerCodec(settings(false), () -> { }, counts));
        String requests = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n";
        channel.writeInbound(bytes(requests));
        Object m;
        while ((m = channel.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        assertThat(read[0]).isEqualTo(requests.length());

        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"), channel.voidPromise());
        assertThat(written[0]).as("a head held back for its body is not passed on yet").isZero();
        channel.writeAndFlush(new DefaultLastHttpContent(bytes("hello")));
        String first = written();
        assertThat(written[0]).isEqualTo(first.length());

        channel.write(response(HttpResponseStatus.SWITCHING_PROTOCOLS, "Upgrade", "websocket",
                "Connection", "upgrade"));
        ChannelFuture frame = channel.writeAndFlush(bytes("frame"));
        String rest = written();
        assertThat(frame.isSuccess()).isTrue();
        assertThat(rest).endsWith("\r\n\r\nframe");
        assertThat(written[0]).isEqualTo(first.length() + rest.length());
    }

    @Test
    void aChunkedBodyWrittenWithAPromiseIsCountedPieceByPiece() {
        long[] written = new long[1];
        channel = new EmbeddedChannel(new Http1ServerCodec(settings(false), () -> { }, new ByteCounts() {
            @Override
            public void read(long bytes) {
            }

            @Override
            public void written(long bytes) {
                written[0] += bytes;
            }
        }));
        channel.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        Object m;
        while ((m = channel.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        channel.write(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"));
        ChannelFuture body = channel.writeAndFlush(new DefaultLastHttpContent(bytes("hello")));
        String all = written();
        assertThat(body.isSuccess()).isTrue();
        assertThat(all).endsWith("5\r\nhello\r\n0\r\n\r\n");
        assertThat(written[0]).isEqualTo(all.length());
    }

    @Test
    void objectsThatAreNotHttpPassAfterTheConnectionSwitchedProtocols() {
        clientSide("GET /chat HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n");
        channel.writeAndFlush(response(HttpResponseStatus.SWITCHING_PROTOCOLS, "Upgrade", "websocket",
                "Connection", "upgrade"));
        channel.writeAndFlush(bytes("frame"));
        assertThat(written()).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: upgrade\r\n\r\nframe");
    }
}
