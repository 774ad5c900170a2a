package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.testing.KernelSockets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TransportTest {

    private MultiThreadIoEventLoopGroup loops;
    private final InetAddress loopback = ipv4Loopback();

    /** Each transport this machine offers. */
    static List<Transport> transports() {
        return java.util.Arrays.stream(Transport.values()).filter(Transport::isAvailable).toList();
    }

    private MultiThreadIoEventLoopGroup loops(Transport t) {
        loops = t.newEventLoopGroup(1);
        return loops;
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loops != null) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    /** Ferry leaves TCP_NODELAY to Netty on this platform, so a new channel must already have it. */
    @ParameterizedTest
    @MethodSource("transports")
    void newTcpChannelsHaveNoDelayWithoutFerrySettingIt(Transport t) throws Exception {
        loops(t);
        assertThat(Transport.noDelayByDefault()).isTrue();
        Channel ch = t.clientChannels(new InetSocketAddress(loopback, 1)).newChannel();
        loops.register(ch).sync();
        assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
        assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
        ch.close().sync();
    }

    /**
     * With epoll, sockets for IPv4 addresses are IPv4 sockets, not dual-stack ones: the kernel
     * lists the listener, the connection it accepts and a connection to an IPv4 server in its IPv4
     * table. The client here is made as a health check's is, by {@link Transport#clientChannels}.
     */
    @Test
    void ipv4AddressesGetIpv4Sockets() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "the socket family is chosen with epoll only");
        Transport t = Transport.EPOLL;
        loops(t);
        ServerChannel listener = t.newServerChannel(new InetSocketAddress(loopback, 0));
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        listener.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                accepted.complete((Channel) msg);
            }
        });
        loops.register(listener).sync();
        listener.bind(new InetSocketAddress(loopback, 0)).sync();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();

        Channel client = t.clientChannels(new InetSocketAddress(loopback, port)).newChannel();
        client.pipeline().addLast(new ChannelInboundHandlerAdapter());
        loops.register(client).sync();
        client.connect(new InetSocketAddress(loopback, port)).sync();
        int clientPort = ((InetSocketAddress) client.localAddress()).getPort();
        Channel child = accepted.get(10, TimeUnit.SECONDS);

        List<KernelSockets.Entry> v4 = KernelSockets.ipv4();
        assertThat(v4).anyMatch(e -> e.localPort() == port && e.state().equals("LISTEN"));
        assertThat(v4).anyMatch(e -> e.localPort() == clientPort && e.remotePort() == port);
        assertThat(v4).anyMatch(e -> e.localPort() == port && e.remotePort() == clientPort);
        child.unsafe().closeForcibly();
        client.close().sync();
        listener.close().sync();
    }

    /**
     * A channel armed with {@link Transport#readAtOnce} before it is registered reads what its peer
     * sends once connected, with auto-read off and no {@code read()} asked for.
     */
    @Test
    void aChannelArmedBeforeRegistrationReadsOnceConnected() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "only epoll takes the interest before registration");
        Transport t = Transport.EPOLL;
        loops(t);
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Thread greeter = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read();
                } catch (java.io.IOException ignored) {
                    // the test fails on what it did not read
                }
            });
            greeter.start();
            CompletableFuture<String> read = new CompletableFuture<>();
            Channel ch = t.newSocketChannel(loopback);
            ch.config().setAutoRead(false);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    read.complete(b.toString(StandardCharsets.US_ASCII));
                    b.release();
                }
            });
            t.readAtOnce(ch);
            loops.register(ch).sync();
            ch.connect(new InetSocketAddress(loopback, server.getLocalPort())).sync();
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
            ch.close().sync();
            greeter.join(10_000);
        }
    }

    /**
     * A connection whose peer half-closed before anything was written to it is neither read nor
     * waiting to write; it must still be able to wait to write later. Netty 4.2's epoll took such a
     * descriptor out of its epoll set for good: the first write that did not fit at once failed, and
     * an answer larger than the peer's window was cut short ({@link EpollKeepsRegistrations}).
     */
    @ParameterizedTest
    @MethodSource("transports")
    void aConnectionWhosePeerHalfClosedCanStillWaitToWrite(Transport t) throws Exception {
        loops(t);
        byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(loopback, 0), 1);
            CompletableFuture<Void> halfClosed = new CompletableFuture<>();
            Channel ch = t.newSocketChannel(loopback);
            ch.config().setAutoRead(false);
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        halfClosed.complete(null);
                    }
                }
            });
            loops.register(ch).sync();
            ch.connect(new InetSocketAddress(loopback, server.getLocalPort())).sync();
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                s.shutdownOutput();
                ch.read();
                halfClosed.get(10, TimeUnit.SECONDS);
                ChannelFuture written = ch.writeAndFlush(Unpooled.wrappedBuffer(data));
                written.addListener(ChannelFutureListener.CLOSE);
                byte[] received = s.getInputStream().readAllBytes();
                assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(written.cause()).isNull();
                assertThat(received.length).as("bytes received").isEqualTo(data.length);
                assertThat(Arrays.equals(received, data)).as("the same bytes").isTrue();
            }
        }
    }

    /**
     * {@link Transport#shutdownOutput} sends the FIN behind what was written: the peer reads all of
     * it, then its end of stream; the channel knows its output is shut, and still reads what the
     * peer sends until the peer closes in turn.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void shuttingOutputSendsTheFinBehindTheDataAndKeepsReading(Transport t) throws Exception {
        loops(t);
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            CompletableFuture<String> read = new CompletableFuture<>();
            Channel ch = t.newSocketChannel(loopback);
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private final StringBuilder got = new StringBuilder();

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    got.append(b.toString(StandardCharsets.US_ASCII));
                    b.release();
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        read.complete(got.toString());
                    }
                }
            });
            loops.register(ch).sync();
            ch.connect(new InetSocketAddress(loopback, server.getLocalPort())).sync();
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                CompletableFuture<Boolean> shut = new CompletableFuture<>();
                ch.writeAndFlush(Unpooled.copiedBuffer("request", StandardCharsets.US_ASCII)).addListener(f -> {
                    Transport.shutdownOutput(ch);
                    shut.complete(((DuplexChannel) ch).isOutputShutdown());
                });
                assertThat(shut.get(10, TimeUnit.SECONDS)).as("the channel's output is shut").isTrue();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .as("all that was written, then the end of the stream").isEqualTo("request");
                s.getOutputStream().write("answer".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(read.get(10, TimeUnit.SECONDS)).as("what the peer sent after the FIN").isEqualTo("answer");
            }
            ch.close().sync();
        }
    }

    /** A tunnel's connection reads in slices of at most 32 KiB, where Netty would grow its reads to 64 KiB. */
    @ParameterizedTest
    @MethodSource("transports")
    void aTunnelsConnectionReadsAtMostASliceAtATime(Transport t) throws Exception {
        loops(t);
        byte[] data = new byte[1 << 20];
        List<Integer> reads = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Channel ch = t.newSocketChannel(loopback);
            ch.config().setAutoRead(false);
            t.sliceTunnelReads(ch.config());
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private int total;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    reads.add(b.readableBytes());
                    total += b.readableBytes();
                    b.release();
                    if (total == data.length) {
                        all.complete(null);
                    }
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.read();
                }
            });
            loops.register(ch).sync();
            ch.connect(new InetSocketAddress(loopback, server.getLocalPort())).sync();
            try (Socket s = server.accept()) {
                ch.read();
                s.getOutputStream().write(data);
                all.get(10, TimeUnit.SECONDS);
            }
            ch.close().sync();
        }
        assertThat(reads).allMatch(n -> n <= Transport.TUNNEL_READ_MAX);
        // the reads did fill their slices: the cap, not the pace of the sender, bounded them
        assertThat(reads).contains(Transport.TUNNEL_READ_MAX);
    }

    /** Connections given {@link Transport#shareReads} read through one allocator, with Netty's default sizes. */
    @ParameterizedTest
    @MethodSource("transports")
    void connectionsShareOneReadAllocator(Transport t) {
        Channel a = t.newSocketChannel(loopback);
        Channel b = t.newSocketChannel(loopback);
        Object before = a.config().getRecvByteBufAllocator();
        assertThat(before).isNotSameAs(b.config().getRecvByteBufAllocator());
        t.shareReads(a.config());
        t.shareReads(b.config());
        Object shared = a.config().getRecvByteBufAllocator();
        assertThat(shared).isSameAs(b.config().getRecvByteBufAllocator())
                .isInstanceOf(io.netty.channel.AdaptiveRecvByteBufAllocator.class);
        a.unsafe().closeForcibly();
        b.unsafe().closeForcibly();
    }
}
