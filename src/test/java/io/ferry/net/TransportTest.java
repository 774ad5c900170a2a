package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.testing.KernelSockets;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportTest {

    /** Ferry leaves TCP_NODELAY to Netty on this platform, so a new channel must already have it. */
    @Test
    void newTcpChannelsHaveNoDelayWithoutFerrySettingIt() throws Exception {
        Transport t = Transport.select();
        assertThat(Transport.noDelayByDefault()).isTrue();
        MultiThreadIoEventLoopGroup loops = t.newEventLoopGroup(1);
        try {
            Channel ch = t.clientChannels(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)).newChannel();
            loops.register(ch).sync();
            assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
            assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
            ch.close().sync();
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * With epoll, sockets for IPv4 addresses are IPv4 sockets, not dual-stack ones: the kernel
     * lists the listener, the connection it accepts and a connection to an IPv4 server in its IPv4
     * table. The client here is made as a health check's is, by {@link Transport#clientChannels}.
     */
    @Test
    void ipv4AddressesGetIpv4Sockets() throws Exception {
        Transport t = Transport.select();
        assumeTrue(t == Transport.EPOLL, "the socket family is chosen with epoll only");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        MultiThreadIoEventLoopGroup loops = t.newEventLoopGroup(1);
        try {
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
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
