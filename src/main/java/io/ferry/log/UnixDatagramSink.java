package io.ferry.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * {@code log /dev/log} or {@code log unix@PATH}: one datagram per message on a unix datagram socket,
 * as syslog daemons expect. The JDK only has stream unix sockets, so this uses Netty's epoll
 * transport, with an event loop of its own that only the log thread writes to.
 */
final class UnixDatagramSink implements LogSink {

    private final MultiThreadIoEventLoopGroup loop;
    private final Channel channel;
    private final DomainSocketAddress target;

    private UnixDatagramSink(String path) {
        target = new DomainSocketAddress(path);
        loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            // Unbound and unconnected: each datagram names the socket, so a restarted syslog daemon is found again.
            channel = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                    .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                    .handler(new ChannelInboundHandlerAdapter()).register().syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Whether unix datagram sockets can be used here (Linux with Netty's epoll transport). */
    static boolean isAvailable() {
        return Epoll.isAvailable();
    }

    static UnixDatagramSink open(String path) {
        if (!isAvailable()) {
            throw new IllegalStateException("logging to the unix socket " + path + " needs Netty's epoll transport");
        }
        return new UnixDatagramSink(path);
    }

    @Override
    public void send(byte[] message) throws IOException {
        ChannelFuture f = channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(message), target));
        // The log thread waits, never an event loop: a datagram send completes or fails at once.
        if (!f.awaitUninterruptibly(1, TimeUnit.SECONDS)) {
            throw new IOException("sending to " + target.path() + " took more than 1 s");
        }
        if (!f.isSuccess()) {
            throw new IOException("cannot send to " + target.path() + ": " + f.cause(), f.cause());
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
