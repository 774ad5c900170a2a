package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LoopThread#flushSoon}: on the loop, a flush waits for the end of the current turn. */
class FlushSoonTest {

    private final Transport transport = Transport.select();
    private MultiThreadIoEventLoopGroup loops;
    private ServerSocket origin;

    @BeforeEach
    void start() throws Exception {
        loops = transport.newEventLoopGroup(1);
        origin = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        origin.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private Channel connect() {
        return new Bootstrap().group(loops).channelFactory(() -> transport.newSocketChannel(origin.getInetAddress()))
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress(origin.getInetAddress(), origin.getLocalPort()))
                .syncUninterruptibly().channel();
    }

    private static String read(Socket s, int n) throws Exception {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    }

    /**
     * Within a task of the loop, what was written and flushed soon is still in the channel's
     * outbound buffer when the task ends; the loop sends it right after, for each channel, in the
     * order they asked.
     */
    @Test
    void onTheLoopTheFlushWaitsForTheEndOfTheTurn() throws Exception {
        Channel a = connect();
        Channel b = connect();
        try (Socket sa = origin.accept(); Socket sb = origin.accept()) {
            long[] pending = loops.submit(() -> {
                a.write(Unpooled.copiedBuffer("first", StandardCharsets.US_ASCII));
                LoopThread.flushSoon(a);
                b.write(Unpooled.copiedBuffer("second", StandardCharsets.US_ASCII));
                LoopThread.flushSoon(b);
                LoopThread.flushSoon(a);
                return new long[] {a.unsafe().outboundBuffer().totalPendingWriteBytes(),
                        b.unsafe().outboundBuffer().totalPendingWriteBytes()};
            }).get(10, TimeUnit.SECONDS);
            assertThat(pending[0]).as("a's bytes still pending").isGreaterThanOrEqualTo(5);
            assertThat(pending[1]).as("b's bytes still pending").isGreaterThanOrEqualTo(6);
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
    @Test
    void anUnwritableChannelIsFlushedAtOnce() throws Exception {
        Channel a = connect();
        int mark = a.config().getWriteBufferHighWaterMark();
        try (Socket sa = origin.accept()) {
            long[] pending = loops.submit(() -> {
                a.write(Unpooled.wrappedBuffer(new byte[mark + 1]));
                boolean writableBefore = a.isWritable();
                LoopThread.flushSoon(a);
                return new long[] {writableBefore ? 1 : 0, a.unsafe().outboundBuffer().totalPendingWriteBytes()};
            }).get(10, TimeUnit.SECONDS);
            assertThat(pending[0]).as("unwritable before the flush").isZero();
            // flushed within the task: the kernel took what its send buffer holds
            assertThat(pending[1]).as("bytes left pending by flushSoon").isLessThan(mark + 1);
            assertThat(read(sa, mark + 1)).hasSize(mark + 1);
        } finally {
            a.close().syncUninterruptibly();
        }
    }

    /** Off the channel's loop, flushSoon is a plain flush. */
    @Test
    void offTheLoopItFlushes() throws Exception {
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
