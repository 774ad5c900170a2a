package io.ferry.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.uring.IoUringTcpInfo;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Consumer;

/**
 * The socket implementation Ferry runs on: Linux's io_uring through Netty's native transport where
 * the kernel offers it, else Linux's epoll, else Java NIO (docs/proxying.md, "Listeners"). The
 * two native ones offer unix stream sockets and {@code TCP_USER_TIMEOUT} ({@code tcp-ut}); only
 * epoll takes over an inherited listening socket ({@code fd@}).
 *
 * <pre>{@code
 * Transport t = Transport.select();
 * EventLoopGroup loops = t.newEventLoopGroup(0);
 * }</pre>
 */
public enum Transport {
    IO_URING, EPOLL, NIO;

    static {
        // One accept at a time, not a multishot accept that the kernel keeps completing: a
        // listener at its maxconn stops at once, as with epoll, instead of taking in what waits in
        // its backlog before the pause reaches the kernel. Netty reads this once, as its io_uring
        // classes load, which they do only after this class.
        if (System.getProperty("io.netty.iouring.acceptMultiShotEnabled") == null) {
            System.setProperty("io.netty.iouring.acceptMultiShotEnabled", "false");
        }
    }

    /** The best transport this machine offers: io_uring, else epoll, else NIO. */
    public static Transport select() {
        return select(true);
    }

    /**
     * io_uring when {@code ioUringWanted} and the kernel offers it, else epoll when it loads, else
     * NIO. A configuration that inherits listening sockets ({@code fd@}) or says {@code noiouring}
     * does not want io_uring.
     */
    public static Transport select(boolean ioUringWanted) {
        if (ioUringWanted && IO_URING.isAvailable()) {
            return IO_URING;
        }
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /**
     * Whether this transport works on this machine: for io_uring, whether Netty's transport loads
     * and the kernel lets this process set up a ring.
     */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this transport does not work on this machine (null when it does). */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    /** Whether this is one of Netty's native Linux transports (io_uring or epoll). */
    public boolean isNative() {
        return this != NIO;
    }

    /**
     * Whether Netty turns TCP_NODELAY on for every new TCP channel by itself (it does wherever the
     * platform allows, with either transport), so that setting it again would only cost a system
     * call per connection.
     */
    public static boolean noDelayByDefault() {
        return PlatformDependent.canEnableTcpNoDelayByDefault();
    }

    /**
     * Sets the TCP options of a new connection. Each is a system call per connection, so only what
     * differs from a new socket's defaults is set: TCP_NODELAY only where Netty does not already,
     * keep-alive only when asked (it is off by default), the buffer sizes only when configured.
     */
    public void setTcpOptions(ChannelConfig config, boolean keepAlive, boolean noLinger, int userTimeoutMs,
                              SocketBuffers buffers) {
        if (!noDelayByDefault()) {
            config.setOption(ChannelOption.TCP_NODELAY, true);
        }
        if (keepAlive) {
            config.setOption(ChannelOption.SO_KEEPALIVE, true);
        }
        if (noLinger) {
            config.setOption(ChannelOption.SO_LINGER, 0);
        }
        if (userTimeoutMs > 0) {
            config.setOption(tcpUserTimeoutOption(), userTimeoutMs);
        }
        buffers.apply(config);
    }

    /**
     * The bytes written to {@code ch} that its transport has not handed to the kernel yet; 0 once
     * it is closed. Counted from the buffers themselves: the outbound buffer's own total drops only
     * when a whole buffer has gone, not as a large one goes out piece by piece. On the channel's
     * event loop.
     */
    public static long pendingBytes(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (out == null) {
            return 0;
        }
        long[] sum = new long[1];
        try {
            out.forEachFlushedMessage(m -> {
                if (m instanceof ByteBuf b) {
                    sum[0] += b.readableBytes();
                }
                return true;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return sum[0];
    }

    /**
     * Milliseconds since the kernel last sent data on {@code ch}'s TCP connection (TCP_INFO's
     * {@code tcpi_last_data_sent}), which it does only when the peer has room for it: a peer that
     * takes nothing gets no data, only window probes. -1 while the kernel is retransmitting
     * ({@code tcpi_retransmits}, or {@code tcpi_retrans}: segments sent again and not acknowledged
     * yet): the peer acknowledges nothing, and may be gone; or its receive queue is over its buffer
     * (an application that shrank its buffer after the window was offered, and reads nothing), it
     * drops what it is sent, and the kernel sends the same bytes again every few seconds, which
     * refreshes {@code tcpi_last_data_sent} though nothing is taken. -1 too where the
     * transport cannot tell (NIO, a unix socket) or the connection is gone. On io_uring a write the
     * kernel has taken shows in Netty only once all of it has gone, so this is how slow progress is
     * seen there.
     */
    public static long msSinceDataSent(Channel ch) {
        try {
            if (ch instanceof IoUringSocketChannel u) {
                IoUringTcpInfo info = u.tcpInfo();
                return sinceDataSent(info.retransmits(), info.retrans(), info.lastDataSent());
            }
            if (ch instanceof EpollSocketChannel e) {
                EpollTcpInfo info = e.tcpInfo();
                return sinceDataSent(info.retransmits(), info.retrans(), info.lastDataSent());
            }
        } catch (ChannelException gone) {
            return -1;
        }
        return -1;
    }

    /** {@link #msSinceDataSent} from the TCP_INFO fields both native transports give, alike. */
    private static long sinceDataSent(int retransmits, long retrans, long lastDataSent) {
        return retransmits > 0 || retrans > 0 ? -1 : lastDataSent;
    }

    /**
     * How long ago the peer of {@code ch} last took bytes Ferry still has for it, when that was
     * within {@code periodMs}: Ferry holds bytes for it (or cannot write more) and the kernel sent
     * it data that recently. -1 otherwise, or where the transport cannot tell. An inactivity
     * deadline that passes while this is not -1 has a slow reader, not a dead one.
     */
    public static long takingSince(Channel ch, long periodMs) {
        if (ch == null || !ch.isActive() || (ch.isWritable() && pendingBytes(ch) == 0)) {
            return -1;
        }
        long since = msSinceDataSent(ch);
        return since >= 0 && since < periodMs ? since : -1;
    }

    /**
     * Has {@code ch}'s coming close reset its TCP connection (SO_LINGER 0) instead of ending it with
     * a FIN, so that the kernel keeps neither a TIME_WAIT nor an orphaned FIN_WAIT socket for it;
     * data not yet sent is discarded. Nothing for a unix socket, which has neither, or a closed channel.
     */
    public static void resetOnClose(Channel ch) {
        if (ch instanceof SocketChannel && ch.isActive()) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        }
    }

    /**
     * Shuts {@code ch}'s output down: its FIN follows what was written to it, which must all have
     * been sent (the write before has completed) and nothing more may be written. On a native
     * transport this is the socket's own {@code shutdown}, the one system call Netty's
     * {@link DuplexChannel#shutdownOutput()} makes too; that method also makes, every time, an
     * exception with its stack trace to fail writes still queued, which cost a tunnel 3-7 µs of
     * CPU per half-close. The channel knows its output is shut all the same
     * ({@link DuplexChannel#isOutputShutdown()} asks the socket). A failure means the connection
     * is gone already, which its reads tell; as with Netty's method, it is not reported here.
     * With NIO, Netty's method.
     */
    public static void shutdownOutput(Channel ch) {
        if (ch instanceof UnixChannel u && u.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException gone) {
                // the connection was reset or closed: its reads say so
            }
        } else {
            ((DuplexChannel) ch).shutdownOutput();
        }
    }

    /** The most a byte tunnel's connection reads at a time ({@link #sliceTunnelReads}). */
    public static final int TUNNEL_READ_MAX = 32 * 1024;

    private static final AdaptiveRecvByteBufAllocator TUNNEL_READS =
            new AdaptiveRecvByteBufAllocator(64, 2048, TUNNEL_READ_MAX);

    private static final AdaptiveRecvByteBufAllocator HTTP_READS = new AdaptiveRecvByteBufAllocator();

    /**
     * Has a connection size its reads as Netty does by default (64 bytes to 64 KiB, adapting to what
     * it reads), with an allocator all connections share: Netty would give each channel its own
     * (64 bytes of heap, twice per proxied connection), though the allocator keeps no state of
     * its own. Like {@link #sliceTunnelReads}, it must be set before the channel's first read.
     */
    public void shareReads(ChannelConfig config) {
        config.setRecvByteBufAllocator(HTTP_READS);
    }

    /**
     * Has a byte tunnel's connection read at most {@link #TUNNEL_READ_MAX} bytes at a time instead
     * of Netty's 64 KiB: a tunnel copies what it reads straight out to the other side, and a buffer
     * that fits the processor's first-level cache is still there for that second copy
     * (docs/proxying.md). It must be set before the channel's first read, which fixes how the
     * channel reads.
     */
    public void sliceTunnelReads(ChannelConfig config) {
        config.setRecvByteBufAllocator(TUNNEL_READS);
    }

    /**
     * Has a new channel, not yet registered, read as soon as it is registered and connected, as
     * {@link Channel#read()} would then: with epoll the interest in reading goes into the
     * channel's first {@code epoll_ctl}, which spares a second one for the first read (Netty keeps
     * the interest of an unregistered channel for its registration). With NIO it does nothing, and
     * the first {@code read()} asks as usual. The channel must have auto-read off by then, as
     * turning it off afterwards takes the interest back. With io_uring, which arms a read only on
     * a registered channel, it does nothing either.
     */
    public void readAtOnce(Channel unregistered) {
        if (this == EPOLL && !unregistered.isRegistered()) {
            unregistered.unsafe().beginRead();
        }
    }

    /**
     * A group of {@code threads} event loops (0: Netty's default, twice the cores), each on a
     * {@link LoopThread}, which counts in its own row of {@link StripedCounters} and keeps the
     * time of its loop's iteration. With epoll and NIO a loop polls once more without waiting
     * before it sleeps ({@link PollBeforeSleeping}); an io_uring loop already looks at its
     * completion queue before it waits ({@link ClockedIoHandler} begins its iterations). An epoll
     * loop keeps its descriptors in its epoll set while they want no event ({@link EpollKeepsRegistrations}).
     */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads) {
        return newEventLoopGroup(threads, name -> { });
    }

    /** As {@link #newEventLoopGroup(int)}; each loop's thread tells {@code ended} its name when it ends. */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, Consumer<String> ended) {
        IoHandlerFactory factory = switch (this) {
            case IO_URING -> ClockedIoHandler.factory(IoUringIoHandler.newFactory());
            case EPOLL -> EpollKeepsRegistrations.factory(EpollIoHandler.newFactory(0, PollBeforeSleeping.FACTORY));
            case NIO -> NioIoHandler.newFactory(SelectorProvider.provider(), PollBeforeSleeping.FACTORY);
        };
        return new MultiThreadIoEventLoopGroup(threads, LoopThread.factory(ended), factory);
    }

    /**
     * A new listening channel for {@code address}: with epoll, an IPv4 socket for an IPv4 address,
     * which spares the kernel the mapped-address work of a dual-stack socket on every connection
     * it accepts; otherwise the transport's default (a dual-stack socket where IPv6 is available,
     * bound to the IPv4-mapped form of an IPv4 address, which takes IPv4 connections only).
     */
    public ServerChannel newServerChannel(SocketAddress address) {
        return switch (this) {
            case IO_URING -> new IoUringServerSocketChannel();
            case EPOLL -> isIpv4(address) ? new EpollServerSocketChannel(SocketProtocolFamily.INET)
                    : new EpollServerSocketChannel();
            case NIO -> new NioServerSocketChannel();
        };
    }

    private static boolean isIpv4(SocketAddress address) {
        return address instanceof InetSocketAddress a && a.getAddress() instanceof Inet4Address;
    }

    /**
     * Whether a socket the process inherited ({@code fd@}) can be taken over: with epoll only
     * (Java NIO cannot wrap a descriptor, nor can Netty's io_uring channels).
     */
    public boolean supportsInheritedSockets() {
        return this == EPOLL;
    }

    /**
     * A listening channel for a socket the process inherited, already bound and listening; only
     * with {@link #supportsInheritedSockets()}.
     */
    public ServerChannel inheritedServerChannel(int fd) {
        requireInheritedSockets();
        return new EpollServerSocketChannel(fd);
    }

    private void requireInheritedSockets() {
        if (!supportsInheritedSockets()) {
            throw new IllegalStateException("inherited listening sockets (fd@) need the epoll transport");
        }
    }

    /**
     * Whether inherited descriptor {@code fd} is a unix socket (else it is taken for a TCP one):
     * read from {@code /proc}, where the descriptor names its socket's inode, and the unix sockets
     * table lists the inodes of unix sockets. False where there is no {@code /proc}.
     */
    public static boolean isUnixSocket(int fd) {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
            if (!target.startsWith("socket:[")) {
                return false;
            }
            String inode = target.substring(8, target.length() - 1);
            try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/net/unix"))) {
                // Num RefCount Protocol Flags Type St Inode [Path]
                return lines.skip(1).map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length > 6 && f[6].equals(inode));
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** A listening channel for an inherited unix socket; only with epoll. */
    public ServerChannel inheritedDomainServerChannel(int fd) {
        requireInheritedSockets();
        return new io.netty.channel.epoll.EpollServerDomainSocketChannel(fd, true);
    }

    /**
     * A new, unregistered TCP client channel to connect to {@code to}: with epoll, an IPv4 socket
     * for an IPv4 peer, which saves the {@code IPV6_V6ONLY} option a dual-stack socket is given and
     * the mapped addresses it deals in; otherwise the transport's default.
     */
    public SocketChannel newSocketChannel(InetAddress to) {
        return switch (this) {
            case IO_URING -> new IoUringSocketChannel();
            case EPOLL -> to instanceof Inet4Address ? new EpollSocketChannel(SocketProtocolFamily.INET)
                    : new EpollSocketChannel();
            case NIO -> new NioSocketChannel();
        };
    }

    private void requireUnixSockets() {
        if (!supportsUnixSockets()) {
            throw new IllegalStateException("unix stream sockets need a native transport (io_uring or epoll)");
        }
    }

    /** A new, unregistered unix stream client channel; only with {@link #supportsUnixSockets()}. */
    public Channel newDomainSocketChannel() {
        requireUnixSockets();
        return this == IO_URING ? new IoUringDomainSocketChannel() : new EpollDomainSocketChannel();
    }

    /**
     * Whether unix stream sockets ({@code unix@/path} servers and binds) are available: with the
     * native transports, whose channels also offer half-close on them.
     */
    public boolean supportsUnixSockets() {
        return isNative();
    }

    /**
     * Makes new, unregistered client channels to {@code target}: a unix stream socket for a
     * {@link DomainSocketAddress} (only with {@link #supportsUnixSockets()}), else a TCP socket of
     * the target's family, as {@link #newSocketChannel(InetAddress)} chooses.
     */
    public ChannelFactory<Channel> clientChannels(SocketAddress target) {
        if (target instanceof DomainSocketAddress) {
            requireUnixSockets();
            return this::newDomainSocketChannel;
        }
        InetAddress to = ((InetSocketAddress) target).getAddress();
        return () -> newSocketChannel(to);
    }

    /** Listening channels on unix stream sockets ({@code bind unix@/path}); only with {@link #supportsUnixSockets()}. */
    public Class<? extends ServerChannel> serverDomainSocketChannel() {
        requireUnixSockets();
        return this == IO_URING ? IoUringServerDomainSocketChannel.class : EpollServerDomainSocketChannel.class;
    }

    /** The address of the unix socket {@code path} for {@link #domainSocketChannel()}. */
    public SocketAddress domainSocketAddress(String path) {
        return new DomainSocketAddress(path);
    }

    /** Whether {@code TCP_USER_TIMEOUT} can be set on sockets. */
    public boolean supportsTcpUserTimeout() {
        return isNative();
    }

    /** The option for {@code TCP_USER_TIMEOUT}; only with {@link #supportsTcpUserTimeout()}. */
    public ChannelOption<Integer> tcpUserTimeoutOption() {
        return switch (this) {
            case IO_URING -> IoUringChannelOption.TCP_USER_TIMEOUT;
            case EPOLL -> EpollChannelOption.TCP_USER_TIMEOUT;
            case NIO -> throw new IllegalStateException("TCP_USER_TIMEOUT needs a native transport (io_uring or epoll)");
        };
    }

    /** The name of the transport as {@code ferry -vv} and the logs give it. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
