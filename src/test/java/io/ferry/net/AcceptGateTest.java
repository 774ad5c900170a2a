package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AcceptGateHandler} with two listeners under one limit, each on its own loop: a connection
 * the second one accepts after the first reached the limit, before the pause reached the second's
 * loop (io_uring's accept is already with the kernel; epoll's loop handles the ready socket before
 * the pause), is held, unread and uncounted, until a slot frees, and closed with its listener.
 */
class AcceptGateTest {

    private MultiThreadIoEventLoopGroup acceptors;
    private MultiThreadIoEventLoopGroup workers;
    private ListenerGroup group;

    @AfterEach
    void stop() throws Exception {
        if (group != null) {
            group.closeAll();
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A spec on an ephemeral port of 127.0.0.1. Listener a's connections close when their client
     * does; b's are greeted with {@code hello} and closed.
     */
    private static ListenerGroup.Spec spec(String name, ConnectionLimit limit) throws Exception {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
        return new ListenerGroup.Spec(name, at, -1, 0, List.of(limit), ch -> ch.pipeline().addLast(
                new DrainingHandler() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        if (name.equals("b")) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII))
                                    .addListener(ChannelFutureListener.CLOSE);
                        } else {
                            ctx.read();
                        }
                    }
                }), 0, false, false, null, 1, false, false, SocketBuffers.NONE);
    }

    /**
     * Binds listeners a and b under {@code limit} (1), holds b's loop, reaches the limit with
     * {@code first} to a, then connects {@code waiting} to b and lets b's loop go on.
     */
    private void reachTheLimitThenConnectToB(Transport t, ConnectionLimit limit, Socket first, Socket waiting)
            throws Exception {
        acceptors = t.newEventLoopGroup(2);
        workers = t.newEventLoopGroup(1);
        group = new ListenerGroup(t, acceptors, workers);
        group.bindAll(List.of(spec("a", limit), spec("b", limit)));
        Listener a = group.listeners().get(0);
        Listener b = group.listeners().get(1);
        assumeTrue(a.channels().get(0).eventLoop() != b.channels().get(0).eventLoop(), "the listeners share a loop");
        CountDownLatch release = new CountDownLatch(1);
        b.channels().get(0).eventLoop().execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        first.connect(a.localAddress());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> limit.current() == 1);
        waiting.connect(b.localAddress());
        waiting.setSoTimeout(10_000);
        release.countDown();
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> limit.current() == 1 && !b.channels().get(0).config().isAutoRead());
    }

    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void aConnectionAcceptedPastASharedLimitWaitsForAFreeSlot(Transport t) throws Exception {
        ConnectionLimit limit = new ConnectionLimit("global", 1);
        try (Socket first = new Socket(); Socket waiting = new Socket()) {
            reachTheLimitThenConnectToB(t, limit, first, waiting);
            first.close();
            InputStream in = waiting.getInputStream();
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void aHeldConnectionIsClosedWithItsListener(Transport t) throws Exception {
        ConnectionLimit limit = new ConnectionLimit("global", 1);
        try (Socket first = new Socket(); Socket waiting = new Socket()) {
            reachTheLimitThenConnectToB(t, limit, first, waiting);
            group.closeAll();
            int got;
            try {
                got = waiting.getInputStream().read();
            } catch (java.net.SocketException reset) {
                got = -1;
            }
            assertThat(got).isEqualTo(-1);
            assertThat(limit.current()).isEqualTo(1);
        }
    }
}
