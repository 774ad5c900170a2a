package io.ferry.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The request-head parser ({@link Http1ServerCodec}'s decoder): one request head, as a benchmark's
 * client (wrk) or a browser sends it, decoded into a request and its end. Run by {@code bench/jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Http1DecoderBenchmark {

    private static final String WRK = "GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    private static final String BROWSER = "GET /static/app.js?v=3 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
            + "Accept: */*\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Accept-Language: en-GB,en;q=0.9\r\n"
            + "Referer: https://www.example.com/\r\n"
            + "Cookie: session=0123456789abcdef; theme=dark\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";

    @Param({"wrk", "browser"})
    public String head;

    private EmbeddedChannel channel;
    private ByteBuf bytes;

    @Setup(Level.Trial)
    public void setUp() {
        channel = new EmbeddedChannel(new Http1ServerCodec(new Http1Settings(15360, 101, false, new ErrorCaptures(),
                "bench", null), () -> { }));
        bytes = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
                (head.equals("wrk") ? WRK : BROWSER).getBytes(StandardCharsets.ISO_8859_1)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public void decode(Blackhole bh) {
        channel.writeInbound(bytes.retainedDuplicate());
        Object m;
        while ((m = channel.readInbound()) != null) {
            bh.consume(m);
            ReferenceCountUtil.release(m);
        }
    }
}
