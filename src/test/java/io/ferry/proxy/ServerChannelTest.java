package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.balance.BackendServer;
import io.ferry.config.Config;
import io.ferry.config.Proxy;
import io.ferry.net.Transport;
import io.ferry.testing.Configs;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection to a server is limited by the stream's deadlines alone: with {@code timeout connect}
 * unset, nothing fails the attempt (docs/configuration.md), not even Netty's default of 30 s.
 */
class ServerChannelTest {

    private final Transport transport = Transport.select();
    private final MultiThreadIoEventLoopGroup loops = transport.newEventLoopGroup(1);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void serverConnectionsHaveNoConnectTimerOfNetty() {
        Config config = Configs.parse("""
                defaults
                    mode http
                backend be
                    server s 127.0.0.1:1
                """);
        Proxy be = config.proxies().get(0);
        ProxyRuntime runtime = new ProxyRuntime(transport, config.global());
        BackendServer server = new BackendServer("be", "s", InetAddress.getLoopbackAddress(), 1, 1,
                false, false, 1, 1, 0);
        EventLoop loop = loops.next();
        Channel http = runtime.newServerConnection(loop, server, be, be).channel;
        Channel tcp = runtime.newTunnelChannel(loop, server, be, null);
        try {
            assertThat(http.config().getConnectTimeoutMillis()).isZero();
            assertThat(tcp.config().getConnectTimeoutMillis()).isZero();
        } finally {
            http.close().syncUninterruptibly();
            tcp.close().syncUninterruptibly();
        }
    }
}
