package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.KernelSockets;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A TCP bind listens with a socket on each event loop ({@code SO_REUSEPORT}), each loop serves the
 * connections its socket accepts unless it has clearly more than another ({@link LoopLoad}), and
 * {@code noreuseport} keeps one socket.
 */
class SocketPerLoopTest {

    private MultiThreadIoEventLoopGroup loops;
    private ListenerGroup group;
    private Ferry ferry;
    /** The loop each accepted connection was set up on, by connection. */
    private final Map<Channel, EventLoop> servedOn = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        if (group != null) {
            group.closeAll();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (ferry != null) {
            ferry.close();
        }
    }

    private Listener bind(Transport t, boolean socketPerLoop) throws Exception {
        loops = t.newEventLoopGroup(2);
        group = new ListenerGroup(t, loops, loops);
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
        ConnectionLimit limit = new ConnectionLimit("bind", 1000);
        group.bindAll(List.of(new ListenerGroup.Spec("bind", at, -1, 0, List.of(limit), ch -> {
            servedOn.put(ch, ch.eventLoop());
            ch.pipeline().addLast(new DrainingHandler());
        }, 0, false, false, null, 1, false, socketPerLoop, SocketBuffers.NONE)));
        return group.listeners().get(0);
    }

    private static long listening(int port) {
        return KernelSockets.all().stream().filter(e -> e.localPort() == port && e.state().equals("LISTEN")).count();
    }

    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void aTcpBindListensOnEachLoopOnOnePort(Transport t) throws Exception {
        Listener l = bind(t, true);
        // Java NIO has no SO_REUSEPORT in Netty's options: one socket
        int expected = t == Transport.NIO ? 1 : 2;
        List<Channel> sockets = l.channels();
        assertThat(sockets).hasSize(expected);
        int port = ((InetSocketAddress) l.localAddress()).getPort();
        assertThat(sockets).allSatisfy(c -> assertThat(((InetSocketAddress) c.localAddress()).getPort()).isEqualTo(port));
        assertThat(sockets.stream().map(Channel::eventLoop).distinct()).hasSize(expected);
        assertThat(listening(port)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void withoutASocketPerLoopABindHasOne(Transport t) throws Exception {
        Listener l = bind(t, false);
        assertThat(l.channels()).hasSize(1);
        assertThat(listening(((InetSocketAddress) l.localAddress()).getPort())).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("io.ferry.net.TransportTest#transports")
    void connectionsAreSpreadOverTheLoopsWhicheverSocketTookThem(Transport t) throws Exception {
        Listener l = bind(t, true);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 1; i <= 16; i++) {
                Socket s = new Socket();
                clients.add(s);
                s.connect(l.localAddress(), 5000);
                int n = i;
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> servedOn.size() == n);
                if (n == 2) {
                    // however the kernel spread the first two, they are served by different loops
                    assertThat(servedOn.values().stream().distinct()).hasSize(2);
                }
            }
            Map<EventLoop, AtomicInteger> perLoop = new ConcurrentHashMap<>();
            servedOn.values().forEach(loop -> perLoop.computeIfAbsent(loop, x -> new AtomicInteger()).incrementAndGet());
            // within an eighth: 8 and 8, or 9 and 7
            assertThat(perLoop.values()).hasSize(2).allSatisfy(c -> assertThat(c.get()).isBetween(7, 9));
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        LoopLoad load = group.load();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> load.count(0) == 0 && load.count(1) == 0);
    }

    @Test
    void ferryBindsASocketPerLoopUnlessTheConfigurationSaysNoreuseport() throws Exception {
        assumeTrue(Transport.IO_URING.isAvailable() || Transport.EPOLL.isAvailable(), "no native transport");
        String frontend = """
                frontend fe
                    bind 127.0.0.1:0
                    http-request return status 200
                """;
        ferry = Ferry.start(Configs.parse("global\n    nbthread 2\n" + Configs.HTTP_DEFAULTS + frontend));
        assertThat(listening(ferry.boundAddresses().get(0).getPort())).isEqualTo(2);
        ferry.close();
        ferry = Ferry.start(Configs.parse("global\n    nbthread 2\n    noreuseport\n" + Configs.HTTP_DEFAULTS + frontend));
        assertThat(listening(ferry.boundAddresses().get(0).getPort())).isEqualTo(1);
    }
}
