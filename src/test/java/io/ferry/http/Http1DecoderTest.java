package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
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

/** The decoder alone, on an embedded channel: what it emits, what it refuses, what it captures. */
class Http1DecoderTest {

    private final ErrorCaptures captures = new ErrorCaptures();
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel requests(boolean acceptInvalid) {
        channel = new EmbeddedChannel(new Http1ServerCodec(new Http1Settings(3072, 20, acceptInvalid, captures, "www",
                null), () -> { }));
        return channel;
    }

    private EmbeddedChannel responses(boolean acceptInvalid) {
        channel = new EmbeddedChannel(new Http1ClientCodec(new Http1Settings(3072, 20, acceptInvalid, captures, "app",
                "s1"), () -> { }));
        return channel;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private List<Object> read(String input) {
        channel.writeInbound(bytes(input));
        return drain();
    }

    /** Everything the channel passed on, without writing. */
    private List<Object> drain() {
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = channel.readInbound()) != null) {
            out.add(m);
        }
        return out;
    }

    private static void release(List<Object> msgs) {
        msgs.forEach(ReferenceCountUtil::release);
    }

    @Test
    void headsParsedOnOneThreadKeepNothingOfEachOther() {
        // Every decoder of a thread parses heads in the same array: what it emits must be copied out of it.
        EmbeddedChannel first = requests(false);
        List<Object> a = read("GET /first HTTP/1.1\r\nHost: one\r\nX-Long-Field-Name: aaaa\r\n\r\n");
        EmbeddedChannel second = new EmbeddedChannel(new Http1ServerCodec(new Http1Settings(3072, 20, false, captures,
                "www", null), () -> { }));
        second.writeInbound(bytes("PUT /second-and-longer HTTP/1.1\r\nHost: two\r\nX-Long-Field-Name: bbbbbbbb\r\n"
                + "Content-Length: 0\r\n\r\n"));
        HttpRequest b = second.readInbound();
        second.finishAndReleaseAll();
        channel = first;
        HttpRequest r = (HttpRequest) a.get(0);
        assertThat(r.method()).isEqualTo(HttpMethod.GET);
        assertThat(r.uri()).isEqualTo("/first");
        assertThat(r.headers().get("host")).isEqualTo("one");
        assertThat(r.headers().names()).contains("X-Long-Field-Name");
        assertThat(r.headers().get("x-long-field-name")).isEqualTo("aaaa");
        assertThat(b.uri()).isEqualTo("/second-and-longer");
        assertThat(b.headers().get("x-long-field-name")).isEqualTo("bbbbbbbb");
        release(a);
        ReferenceCountUtil.release(b);
    }

    @Test
    void pausedBetweenRequestsPipelinedRequestsAreDecodedOneAtATime() throws Exception {
        Http1ServerCodec codec = new Http1ServerCodec(new Http1Settings(3072, 20, false, captures, "www", null), () -> { });
        codec.pauseBetweenRequests();
        channel = new EmbeddedChannel(codec);
        List<Object> first = read("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /3 HTTP/1.1\r\nHost: t\r\n\r\nGET /4 HT");
        assertThat(first).hasSize(2);
        assertThat(((HttpRequest) first.get(0)).uri()).isEqualTo("/1");
        assertThat(first.get(1)).isInstanceOf(LastHttpContent.class);
        assertThat(drain()).isEmpty();

        assertThat(codec.resume()).isTrue();
        List<Object> second = drain();
        assertThat(((HttpRequest) second.get(0)).uri()).isEqualTo("/2");
        assertThat(second.get(second.size() - 1)).isInstanceOf(LastHttpContent.class);
        assertThat(codec.resume()).isTrue();
        List<Object> third = drain();
        assertThat(third).hasSize(2);
        assertThat(((HttpRequest) third.get(0)).uri()).isEqualTo("/3");
        // Only part of the fourth head waits: nothing to pass on until more is read.
        assertThat(codec.resume()).isFalse();
        assertThat(drain()).isEmpty();
        List<Object> fourth = read("TP/1.1\r\nHost: t\r\n\r\n");
        assertThat(((HttpRequest) fourth.get(0)).uri()).isEqualTo("/4");
        assertThat(codec.resume()).isFalse();
        release(first);
        release(second);
        release(third);
        release(fourth);
    }

    @Test
    void aHalfClosureAfterPipelinedRequestsComesAfterThem() throws Exception {
        Http1ServerCodec codec = new Http1ServerCodec(new Http1Settings(3072, 20, false, captures, "www", null), () -> { });
        codec.pauseBetweenRequests();
        List<Object> events = new ArrayList<>();
        channel = new EmbeddedChannel(codec, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        List<Object> first = read("GET /1 HTTP/1.1\r\nHost: t\r\n\r\nGET /2 HTTP/1.1\r\nHost: t\r\n\r\n");
        channel.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertThat(events).isEmpty();
        assertThat(codec.resume()).isTrue();
        List<Object> second = drain();
        assertThat(((HttpRequest) second.get(0)).uri()).isEqualTo("/2");
        assertThat(events).containsExactly(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        release(first);
        release(second);
    }

    @Test
    void aRequestArrivingByteByByteIsDecodedOnce() {
        requests(false);
        String req = "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc";
        List<Object> out = new ArrayList<>();
        for (char c : req.toCharArray()) {
            out.addAll(read(String.valueOf(c)));
        }
        assertThat(out).first().isInstanceOf(HttpRequest.class);
        assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
        StringBuilder body = new StringBuilder();
        for (Object o : out.subList(1, out.size())) {
            body.append(((HttpContent) o).content().toString(StandardCharsets.US_ASCII));
        }
        assertThat(body).hasToString("abc");
        release(out);
    }

    @Test
    void fieldNamesKeepTheirSpellingWhetherCommonOrNot() {
        requests(false);
        List<Object> out = read("GET /a HTTP/1.1\r\nHost: t\r\nuser-agent: u\r\nUSER-AGENT: v\r\nX-CuStOm: w\r\n"
                + "Accept: */*\r\n\r\n");
        HttpRequest r = (HttpRequest) out.get(0);
        List<String> names = new ArrayList<>();
        r.headers().forEach(e -> names.add(e.getKey()));
        assertThat(names).containsExactly("Host", "user-agent", "USER-AGENT", "X-CuStOm", "Accept");
        assertThat(r.headers().getAll("User-Agent")).containsExactly("u", "v");
        release(out);
    }

    @Test
    void aContentLengthPassesAsItCameUnlessRepeatsAreMergedIntoOne() {
        responses(false);
        List<Object> out = read("HTTP/1.1 200 OK\r\nContent-Length: 002\r\nServer: s\r\n\r\nab"
                + "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\nServer: s\r\nContent-Length: 1\r\n\r\nc");
        List<String> fields = new ArrayList<>();
        for (Object m : out) {
            if (m instanceof HttpResponse r) {
                r.headers().forEach(e -> fields.add(e.getKey() + ": " + e.getValue()));
            }
        }
        assertThat(fields).containsExactly("Content-Length: 002", "Server: s", "Server: s", "content-length: 1");
        release(out);
    }

    @Test
    void aRefusalIsCapturedWithItsPositionAndNothingAfterItIsDecoded() {
        requests(false);
        List<Object> out = read("GET /a HTTP/1.1\r\nHost: t\r\nX-A : b\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(out).hasSize(1);
        HttpRequest bad = (HttpRequest) out.get(0);
        assertThat(bad.decoderResult().isFailure()).isTrue();
        assertThat(HttpViolation.requestStatus(bad.decoderResult())).isEqualTo(400);
        CapturedError e = captures.lastRequest("www").orElseThrow();
        assertThat(e.reason()).isEqualTo("whitespace between field name and colon");
        assertThat(e.position()).isEqualTo("GET /a HTTP/1.1\r\nHost: t\r\nX-A".length());
        assertThat(new String(e.bytes(), StandardCharsets.ISO_8859_1)).startsWith("GET /a HTTP/1.1\r\nHost: t\r\nX-A : b");
        assertThat(e.streamOffset()).isZero();
        assertThat(e.proxy()).isEqualTo("www");
        release(out);
        assertThat(read("GET /c HTTP/1.1\r\nHost: t\r\n\r\n")).as("after a refusal, bytes are discarded").isEmpty();
    }

    @Test
    void theStreamOffsetOfACaptureCountsTheMessagesBeforeIt() {
        requests(false);
        String first = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";
        List<Object> out = read(first + "GET /b HTTP/1.1\r\nHost: t\r\nX: \0\r\n\r\n");
        assertThat(captures.lastRequest("www").orElseThrow().streamOffset()).isEqualTo(first.length());
        release(out);
    }

    @Test
    void acceptInvalidHttpRequestRelaxesNamesAndTargetsOnly() {
        requests(true);
        List<Object> ok = read("GET /a\"b{c}#d HTTP/1.1\r\nHost: t\r\nX@Y: 1\r\n\r\n");
        assertThat(((HttpRequest) ok.get(0)).decoderResult().isSuccess()).isTrue();
        assertThat(((HttpRequest) ok.get(0)).uri()).isEqualTo("/a\"b{c}#d");
        release(ok);
        for (String still : List.of("GET /a HTTP/1.1\r\nHost: t\r\nX-A : b\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: t\r\nX: a\0b\r\n\r\n",
                "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "GET /a HTTP/1.1\r\n\r\n", "GET /a\r\n\r\n", "GET / a HTTP/1.1\r\nHost: t\r\n\r\n")) {
            channel.finishAndReleaseAll();
            requests(true);
            List<Object> out = read(still);
            assertThat(((HttpObject) out.get(0)).decoderResult().isFailure()).as(still).isTrue();
            release(out);
        }
    }

    @Test
    void acceptInvalidHttpResponseRelaxesFieldNames() {
        responses(true);
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        release(drainOutbound());
        List<Object> out = read("HTTP/1.1 200 OK\r\nX(A): b\r\nContent-Length: 0\r\n\r\n");
        assertThat(((HttpResponse) out.get(0)).decoderResult().isSuccess()).isTrue();
        release(out);
    }

    @Test
    void aResponseToHeadHasNoBodyAndOneWithoutLengthEndsAtClose() {
        responses(false);
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/"));
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        release(drainOutbound());
        List<Object> out = read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\n\r\nuntil close");
        assertThat(out).hasSize(4);
        assertThat(out.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(out.get(2)).isInstanceOf(HttpResponse.class);
        assertThat(((HttpContent) out.get(3)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("until close");
        release(out);
        channel.finish();
        Object last = channel.readInbound();
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(((HttpObject) last).decoderResult().isSuccess()).isTrue();
        channel = null;
    }

    @Test
    void aSwitchToAnotherProtocolPassesBytesAsTheyCome() {
        responses(false);
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/chat"));
        release(drainOutbound());
        List<Object> out = read("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                + "\u0081\u0002hi");
        assertThat(((HttpResponse) out.get(0)).status().code()).isEqualTo(101);
        assertThat(out.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(out.get(2)).isInstanceOf(ByteBuf.class).isNotInstanceOf(HttpObject.class);
        release(out);
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0}));
        List<Object> sent = drainOutbound();
        assertThat(sent).hasSize(1);
        release(sent);
    }

    @Test
    void writingA101ToTheClientTurnsItsConnectionIntoBytes() {
        requests(false);
        release(read("GET /chat HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
        DefaultFullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set("upgrade", "websocket");
        channel.writeOutbound(switching);
        release(drainOutbound());
        List<Object> out = read("\u0081\u0002hi");
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isInstanceOf(ByteBuf.class).isNotInstanceOf(HttpObject.class);
        release(out);
    }

    @Test
    void interimResponsesLeaveTheRequestOpen() {
        responses(false);
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/"));
        release(drainOutbound());
        List<Object> out = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        assertThat(out).hasSize(4);
        assertThat(out.get(3)).as("the final response is to HEAD: no body").isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        release(out);
    }

    @Test
    void aHeadCutShortByCloseIsAFailedMessage() {
        requests(false);
        assertThat(read("GET /a HTTP/1.1\r\nHo")).isEmpty();
        channel.finish();
        HttpRequest r = channel.readInbound();
        assertThat(r.decoderResult().cause()).isInstanceOf(io.netty.handler.codec.PrematureChannelClosureException.class);
        ReferenceCountUtil.release(r);
        channel = null;
    }

    /** The sizes of the pieces of body in {@code out} (LastHttpContent included), and their bytes joined. */
    private static List<Integer> bodySizes(List<Object> out, StringBuilder body) {
        List<Integer> sizes = new ArrayList<>();
        for (Object m : out) {
            if (m instanceof HttpContent c) {
                sizes.add(c.content().readableBytes());
                body.append(c.content().toString(StandardCharsets.ISO_8859_1));
            }
        }
        return sizes;
    }

    private static String chunks(int count, int size, char c) {
        String data = String.valueOf(c).repeat(size);
        return (Integer.toHexString(size) + "\r\n" + data + "\r\n").repeat(count);
    }

    @Test
    void tinyChunksReadTogetherBecomeOnePieceOfBody() {
        // 10,000 one-byte chunks in one read: 60 KB read, one content, not 10,000 (each with its own
        // objects and its own framing on the way out, many times the bytes read).
        requests(false);
        List<Object> out = read("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks(10_000, 1, 'x') + "0\r\n\r\n");
        StringBuilder body = new StringBuilder();
        assertThat(out.get(0)).isInstanceOf(HttpRequest.class);
        assertThat(bodySizes(out, body)).containsExactly(10_000, 0);
        assertThat(body.toString()).isEqualTo("x".repeat(10_000));
        assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
        release(out);
    }

    @Test
    void aLargeChunkPassesOnByItselfBetweenSmallOnes() {
        responses(false);
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        release(drainOutbound());
        List<Object> out = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks(3, 2, 'a') + chunks(1, 10_000, 'b') + chunks(2, 4096, 'c') + "0\r\nX-T: 1\r\n\r\n");
        StringBuilder body = new StringBuilder();
        assertThat(bodySizes(out, body)).containsExactly(6, 10_000, 8192, 0);
        assertThat(body.toString()).isEqualTo("a".repeat(6) + "b".repeat(10_000) + "c".repeat(8192));
        assertThat(((LastHttpContent) out.get(out.size() - 1)).trailingHeaders().get("x-t")).isEqualTo("1");
        release(out);
    }

    @Test
    void aChunkCutByTheEndOfARead() {
        requests(false);
        List<Object> first = read("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks(2, 3, 'a') + "5\r\nbb");
        StringBuilder body = new StringBuilder();
        assertThat(bodySizes(first, body)).as("the whole chunks, then what came of the cut one").containsExactly(6, 2);
        release(first);
        List<Object> second = read("bbb\r\n" + chunks(2, 1, 'c') + "0\r\n\r\n");
        assertThat(bodySizes(second, body)).as("the rest of the cut chunk, small and whole here, with the next ones")
                .containsExactly(5, 0);
        assertThat(body.toString()).isEqualTo("aaaaaabbbbbcc");
        release(second);
    }

    @Test
    void chunksBeforeBadFramingPassOnBeforeTheFailure() {
        requests(false);
        List<Object> out = read("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks(2, 1, 'a') + "1\r\nbzz\r\n");
        StringBuilder body = new StringBuilder();
        assertThat(bodySizes(out, body)).containsExactly(3, 0);
        assertThat(body.toString()).as("the data of the chunk whose end is bad too, as it came before").isEqualTo("aab");
        HttpContent last = (HttpContent) out.get(out.size() - 1);
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(HttpViolation.requestStatus(last.decoderResult())).isEqualTo(400);
        release(out);
    }

    private List<Object> drainOutbound() {
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = channel.readOutbound()) != null) {
            out.add(m);
        }
        return out;
    }
}
