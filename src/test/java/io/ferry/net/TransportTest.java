package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

class TransportTest {

    /** Ferry leaves TCP_NODELAY to Netty on this platform, so a new channel must already have it. */
    @Test
    void newTcpChannelsHaveNoDelayWithoutFerrySettingIt() throws Exception {
        Transport t = Transport.select();
        assertThat(Transport.noDelayByDefault()).isTrue();
        MultiThreadIoEventLoopGroup loops = t.newEventLoopGroup(1);
        try {
            SocketChannel ch = t.socketChannel().getDeclaredConstructor().newInstance();
            loops.register(ch).sync();
            assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
            assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
            ch.close().sync();
        } finally {
            loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
