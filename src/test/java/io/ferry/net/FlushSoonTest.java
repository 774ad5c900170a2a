package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LoopThread#flushSoon}: on the loop, a flush waits for the end of the current turn. */
class FlushSoonTest {

    private Transport transport;
    private MultiThreadIoEventLoopGroup loops;
    private ServerSocket origin;

    private void start(Transport t) throws Exception {
        transport = t;
        loops = transport.newEventLoopGroup(1);
        origin = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (origin != null) {
            origin.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Counts the flushes that reach the channel's transport (with io_uring a flush only hands the write to the kernel). */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    private static int flushes(Channel ch) {
        return ch.pipeline().get(FlushCounter.class).flushes.get();
    }

    private Channel connect() {
        return new Bootstrap().group(loops).channelFactory(() -> transport.newSocketChannel(origin.getInetAddress()))
                .handler(new FlushCounter())
                .connect(new InetSocketAddress(origin.getInetAddress(), origin.getLocalPort()))
                .syncUninterruptibly().channel();
    }

    private static String read(Socket s, int n) throws Exception {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    }

    /**
     * Within a task of the loop, what was written and flushed soon is not flushed yet when the task
     * ends; the loop flushes it right after, for each channel, in the order they asked.
     */
    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void onTheLoopTheFlushWaitsForTheEndOfTheTurn(Transport t) throws Exception {
        start(t);
        Channel a = connect();
        Channel b = connect();
        try (Socket sa = origin.accept(); Socket sb = origin.accept()) {
            long[] pending = loops.submit(() -> {
                a.write(Unpooled.copiedBuffer("first", StandardCharsets.US_ASCII));
                LoopThread.flushSoon(a);
                b.write(Unpooled.copiedBuffer("second", StandardCharsets.US_ASCII));
                LoopThread.flushSoon(b);
                LoopThread.flushSoon(a);
                return new long[] {flushes(a), flushes(b)};
            }).get(10, TimeUnit.SECONDS);
            assertThat(pending[0]).as("a's flushes within the task").isZero();
            assertThat(pending[1]).as("b's flushes within the task").isZero();
            assertThat(read(sa, 5)).isEqualTo("first");
            assertThat(read(sb, 6)).isEqualTo("second");
            // and the next turn flushes anew
            loops.submit(() -> {
                a.write(Unpooled.copiedBuffer("again", StandardCharsets.US_ASCII));
                LoopThread.flushSoon(a);
            }).get(10, TimeUnit.SECONDS);
            assertThat(read(sa, 5)).isEqualTo("again");
        } finally {
            a.close().syncUninterruptibly();
            b.close().syncUninterruptibly();
        }
    }

    /**
     * A channel made unwritable by what it holds (past its high-water mark) is flushed at once:
     * held to the end of the turn, it would stop the reads that feed it until then.
     */
    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void anUnwritableChannelIsFlushedAtOnce(Transport t) throws Exception {
        start(t);
        Channel a = connect();
        int mark = a.config().getWriteBufferHighWaterMark();
        try (Socket sa = origin.accept()) {
            long[] pending = loops.submit(() -> {
                a.write(Unpooled.wrappedBuffer(new byte[mark + 1]));
                boolean writableBefore = a.isWritable();
                LoopThread.flushSoon(a);
                return new long[] {writableBefore ? 1 : 0, flushes(a)};
            }).get(10, TimeUnit.SECONDS);
            assertThat(pending[0]).as("unwritable before the flush").isZero();
            assertThat(pending[1]).as("flushes within the task").isEqualTo(1);
            assertThat(read(sa, mark + 1)).hasSize(mark + 1);
        } finally {
            a.close().syncUninterruptibly();
        }
    }

    /** Off the channel's loop, flushSoon is a plain flush. */
    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void offTheLoopItFlushes(Transport t) throws Exception {
        start(t);
        Channel a = connect();
        try (Socket sa = origin.accept()) {
            a.write(Unpooled.copiedBuffer("now", StandardCharsets.US_ASCII));
            LoopThread.flushSoon(a);
            assertThat(read(sa, 3)).isEqualTo("now");
        } finally {
            a.close().syncUninterruptibly();
        }
    }
}
