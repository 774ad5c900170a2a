package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.HostileCorpus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random mutations of the hostile corpus fed to the request and the response decoder, cut
 * into random pieces: whatever the bytes, nothing throws, every buffer is released (the run has
 * Netty's paranoid leak detection on), and every message the decoder lets through is unambiguous
 * (never both Content-Length and Transfer-Encoding, one plain Content-Length, a body of exactly
 * that length, one Host in HTTP/1.1, at most {@code maxFields} fields). A failure names the seed and
 * the input in hex. For a longer search: {@code -Dferry.fuzz.scale=20}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http1FuzzTest {

    private static final int SCALE = Integer.getInteger("ferry.fuzz.scale", 1);
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(12L * SCALE);
    private static final int MIN_INPUTS = 2000;
    private static final int MAX_FIELDS = 20;

    private static final List<String> TOKENS = List.of("\r\n", "\n", "\r", "\0", " ", "\t", ":", ",", ";", "0",
            "5", "ffffffffffffffff", "0x", "+", "-", "chunked", "gzip", "identity", "Content-Length: ",
            "Transfer-Encoding: ", "Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n", "Host: a\r\n",
            "\r\n\r\n", "0\r\n\r\n", "HTTP/1.1", "HTTP/1.0", " HTTP/1.1\r\n", "GET ", "HEAD ", "CONNECT ", "*",
            "http://", "@", "#", "\u00ff", "\u007f", "100 Continue\r\n\r\n", "101 ", "204 ", "Upgrade: x\r\n");

    @Test
    void requestDecoderSurvivesMutatedRequests() {
        fuzz(true, 0x5eed_0001L, HostileCorpus.read("requests.txt"));
    }

    @Test
    void responseDecoderSurvivesMutatedResponses() {
        fuzz(false, 0x5eed_0002L, HostileCorpus.read("responses.txt"));
    }

    private static void fuzz(boolean requests, long seed, List<HostileCorpus.Case> corpus) {
        Random random = new Random(seed);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int inputs = 0;
        int accepted = 0;
        while (inputs < MIN_INPUTS || (System.nanoTime() < deadline && inputs < 1_000_000)) {
            byte[] input = mutate(random, corpus);
            try {
                accepted += run(requests, input, random);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", input " + inputs + ": " + HexFormat.of().formatHex(input), t);
            }
            inputs++;
        }
        System.out.printf("%s decoder: %d mutated inputs, %d complete messages accepted%n",
                requests ? "request" : "response", inputs, accepted);
        assertThat(inputs).isGreaterThanOrEqualTo(MIN_INPUTS);
        assertThat(accepted).as("some mutated messages are still valid").isPositive();
    }

    private static byte[] mutate(Random random, List<HostileCorpus.Case> corpus) {
        byte[] b = corpus.get(random.nextInt(corpus.size())).bytes();
        int rounds = random.nextInt(4) == 0 ? 2 + random.nextInt(3) : 1;
        for (int i = 0; i < rounds; i++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            switch (random.nextInt(11)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[Math.min(at, b.length - 1)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = splice(b, at, at, TOKENS.get(random.nextInt(TOKENS.size()))
                        .getBytes(StandardCharsets.ISO_8859_1));
                case 2 -> b = splice(b, at, Math.min(b.length, at + random.nextInt(8)), new byte[0]);
                case 3 -> {
                    int end = Math.min(b.length, at + random.nextInt(40));
                    byte[] copy = java.util.Arrays.copyOfRange(b, at, end);
                    b = splice(b, end, end, copy);
                }
                case 4, 5 -> {
                    // Two messages back to back (pipelining), or a message cut short by another.
                    byte[] other = corpus.get(random.nextInt(corpus.size())).bytes();
                    b = random.nextBoolean() ? splice(b, b.length, b.length, other) : splice(b, at, b.length, other);
                }
                case 6 -> b = java.util.Arrays.copyOf(b, at);
                default -> b = splice(b, at, at, TOKENS.get(random.nextInt(TOKENS.size()))
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    /** Feeds {@code input} in random pieces; checks and releases what comes out; returns complete messages accepted. */
    private static int run(boolean requests, byte[] input, Random random) {
        ErrorCaptures captures = new ErrorCaptures();
        Http1Settings settings = new Http1Settings(3072, MAX_FIELDS, random.nextInt(8) == 0, captures, "p", "s");
        EmbeddedChannel ch = new EmbeddedChannel(requests ? new Http1ServerCodec(settings, () -> { })
                : new Http1ClientCodec(settings, () -> { }));
        Checker checker = new Checker(requests);
        try {
            if (!requests) {
                for (int i = 0; i < 3; i++) {
                    HttpMethod m = random.nextInt(4) == 0 ? HttpMethod.HEAD : HttpMethod.GET;
                    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, m, "/"));
                }
                releaseAll(ch.outboundMessages());
            }
            int i = 0;
            while (i < input.length) {
                int n = 1 + random.nextInt(Math.min(input.length - i, random.nextBoolean() ? 7 : 600));
                ch.writeInbound(Unpooled.wrappedBuffer(input, i, n));
                drain(ch, checker);
                i += n;
            }
            ch.finish();
            drain(ch, checker);
            return checker.complete;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel ch, Checker checker) {
        Object m;
        while ((m = ch.readInbound()) != null) {
            try {
                checker.check(m);
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    private static void releaseAll(java.util.Queue<Object> q) {
        Object m;
        while ((m = q.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    /** The invariants of what the decoder lets through. */
    private static final class Checker {

        private final boolean requests;
        private long expectedBody = -1;
        private long body;
        private boolean failed;
        private boolean raw;
        int complete;

        Checker(boolean requests) {
            this.requests = requests;
        }

        void check(Object m) {
            assertThat(failed).as("nothing after a refusal").isFalse();
            if (!(m instanceof HttpObject o)) {
                assertThat(m).isInstanceOf(ByteBuf.class);
                raw = true;
                return;
            }
            assertThat(raw).as("no message after a switch to raw bytes").isFalse();
            if (o.decoderResult().isFailure()) {
                failed = true;
                return;
            }
            if (o instanceof HttpMessage msg) {
                HttpHeaders h = msg.headers();
                List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
                boolean te = h.contains(HttpHeaderNames.TRANSFER_ENCODING);
                assertThat(cl.isEmpty() || !te).as("Content-Length and Transfer-Encoding").isTrue();
                assertThat(cl.size()).isLessThanOrEqualTo(1);
                if (!cl.isEmpty()) {
                    assertThat(cl.get(0)).matches("[0-9]+");
                }
                assertThat(h.size()).isLessThanOrEqualTo(MAX_FIELDS + 1);
                if (msg instanceof HttpRequest r && r.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                    assertThat(h.getAll(HttpHeaderNames.HOST)).hasSize(1);
                }
                expectedBody = requests && !te && !cl.isEmpty() ? Long.parseLong(cl.get(0)) : -1;
                body = 0;
            }
            if (o instanceof HttpContent c) {
                body += c.content().readableBytes();
                if (c instanceof LastHttpContent) {
                    if (expectedBody >= 0) {
                        assertThat(body).as("body length").isEqualTo(expectedBody);
                    }
                    complete++;
                }
            }
        }
    }
}
