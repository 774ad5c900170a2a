import io.ferry.net.PollBeforeSleeping;
import io.ferry.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The floor under any proxy built on Netty: a byte relay in the manner of Netty's proxy example
 * (HexDumpProxy), without the hex dump. It accepts a connection, connects to the origin, and copies
 * bytes each way until either side closes, reading as long as the other side takes what it writes
 * (auto-read turned off while the other side's write buffer is over its high-water mark, back on
 * when it drains); no HTTP, no rules, no timeouts, no logs, no counters. It runs on the same epoll
 * transport, event-loop count, loop strategy ({@code PollBeforeSleeping}: a loop polls once more
 * without waiting before it sleeps) and JVM as Ferry, so what it costs next to HAProxy is what the
 * platform costs before Ferry does anything.
 *
 * <p>A listener may splice instead of copying: the epoll transport's {@code spliceTo} moves each
 * direction's bytes through a pipe inside the kernel, without reading them into the JVM, until
 * either side closes. It needs level-triggered epoll on both connections; the bytes never reach a
 * handler, which is why a proxy that counts them and times out idle connections cannot simply
 * hand a tunnel to it. The benchmark sets the two side by side on the same tunnels.
 *
 * <p>A listener may also read first: it connects to the origin only once the client's first bytes
 * have arrived, and sends them on as soon as the connection is made. An HTTP proxy must wait so,
 * since the request says where it goes, while the plain relay connects as it accepts and so
 * overlaps its connect with the client's request on its way. With a new connection per request,
 * this is the floor under an HTTP proxy on the platform.
 *
 * <p>A copying listener may run on io_uring instead of epoll ({@code :io_uring} after its mode),
 * on event loops made as Ferry makes its own there ({@code Transport.IO_URING}): the floor under
 * Ferry on the transport it runs on where the kernel offers io_uring. Where it does not, the
 * listener is left out, and a line says so.
 *
 * <p>Run from the source tree with Ferry's jar for Netty: {@code java -cp target/ferry.jar
 * bench/lib/NettyRelay.java LISTEN_PORT ORIGIN_PORT
 * [LISTEN_PORT:ORIGIN_PORT[:splice|:copy[:io_uring]|:read-first[:io_uring]] ...]}; it prints
 * {@code listening} once every port is bound.
 */
public final class NettyRelay {

    public static void main(String[] args) throws Exception {
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(),
                EpollIoHandler.newFactory(0, PollBeforeSleeping.FACTORY));
        MultiThreadIoEventLoopGroup uringLoops = null;
        listen(loops, Integer.parseInt(args[0]), Integer.parseInt(args[1]), Mode.COPY, false);
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":");
            Mode mode = spec.length < 3 ? Mode.COPY : switch (spec[2]) {
                case "copy" -> Mode.COPY;
                case "splice" -> Mode.SPLICE;
                case "read-first" -> Mode.READ_FIRST;
                default -> throw new IllegalArgumentException("unknown mode " + spec[2] + " (copy, splice, read-first)");
            };
            boolean uring = spec.length > 3 && spec[3].equals("io_uring");
            if (spec.length > 3 && (!uring || mode == Mode.SPLICE)) {
                throw new IllegalArgumentException("unknown transport " + spec[3] + " for " + spec[2]
                        + " (io_uring, for copy and read-first)");
            }
            if (uring && !Transport.IO_URING.isAvailable()) {
                System.out.println("not listening on " + spec[0] + ": io_uring is not available here ("
                        + Transport.IO_URING.unavailabilityCause() + ")");
                continue;
            }
            if (uring && uringLoops == null) {
                uringLoops = Transport.IO_URING.newEventLoopGroup(Runtime.getRuntime().availableProcessors());
            }
            listen(uring ? uringLoops : loops, Integer.parseInt(spec[0]), Integer.parseInt(spec[1]), mode, uring);
        }
        System.out.println("listening");
        loops.terminationFuture().sync();
    }

    /**
     * How a listener relays: copying through the JVM from the moment it accepts (connecting to the
     * origin at once, while the client's first bytes are still on their way), splicing inside the
     * kernel, or copying after it has read the client's first bytes, as an HTTP proxy must before it
     * knows where a request goes.
     */
    private enum Mode {
        COPY, SPLICE, READ_FIRST;

        /** Splicing needs level-triggered epoll on both connections; copying runs edge-triggered. */
        EpollMode epoll() {
            return this == SPLICE ? EpollMode.LEVEL_TRIGGERED : EpollMode.EDGE_TRIGGERED;
        }
    }

    private static void listen(EventLoopGroup loops, int port, int originPort, Mode mode, boolean uring)
            throws InterruptedException {
        InetSocketAddress origin = new InetSocketAddress("127.0.0.1", originPort);
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", port);
        ServerBootstrap b = new ServerBootstrap().group(loops)
                .channelFactory(() -> uring ? Transport.IO_URING.newServerChannel(local)
                        : new EpollServerSocketChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        if (!uring) {
                            client.config().setOption(EpollChannelOption.EPOLL_MODE, mode.epoll());
                        }
                        if (mode == Mode.READ_FIRST) {
                            client.pipeline().addLast(new ReadFirst(origin, uring));
                        } else {
                            connect(client, origin, mode, uring, null);
                        }
                    }
                });
        b.bind(local).sync();
    }

    /**
     * Connects {@code client} to {@code origin}, then relays both ways; {@code first}, when not
     * null, is what the client has sent already, written to the origin first.
     */
    private static void connect(Channel client, InetSocketAddress origin, Mode mode, boolean uring, Object first) {
        Bootstrap b = new Bootstrap().group(client.eventLoop())
                .channelFactory(() -> uring ? Transport.IO_URING.newSocketChannel(origin.getAddress())
                        : new EpollSocketChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.AUTO_READ, false);
        if (!uring) {
            b.option(EpollChannelOption.EPOLL_MODE, mode.epoll());
        }
        b.handler(new Relay(client))
                .connect(origin).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        ReferenceCountUtil.release(first);
                        client.close();
                        return;
                    }
                    Channel server = f.channel();
                    client.pipeline().addLast(new Relay(server));
                    if (first != null) {
                        server.writeAndFlush(first, server.voidPromise());
                    }
                    if (mode == Mode.SPLICE) {
                        splice((EpollSocketChannel) client, (EpollSocketChannel) server);
                        splice((EpollSocketChannel) server, (EpollSocketChannel) client);
                    }
                    client.config().setAutoRead(true);
                    server.config().setAutoRead(true);
                });
    }

    /** Reads the client's first bytes, and only then connects to the origin and relays. */
    private static final class ReadFirst extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress origin;
        private final boolean uring;

        ReadFirst(InetSocketAddress origin, boolean uring) {
            this.origin = origin;
            this.uring = uring;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.pipeline().remove(this);
            connect(ctx.channel(), origin, Mode.READ_FIRST, uring, msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Splices what {@code from} receives to {@code to} until either closes; a failure closes both. */
    private static void splice(EpollSocketChannel from, EpollSocketChannel to) {
        from.spliceTo(to, Integer.MAX_VALUE).addListener(f -> {
            if (!f.isSuccess()) {
                from.close();
                to.close();
            }
        });
    }

    /** Copies what one side reads to the other, pausing while the other cannot take more. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.write(msg, peer.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        /** This side drained: the peer, which writes to it, may read again. */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                peer.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
