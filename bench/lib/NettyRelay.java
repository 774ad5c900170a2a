import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetSocketAddress;

/**
 * The floor under any proxy built on Netty: a byte relay in the manner of Netty's proxy example
 * (HexDumpProxy), without the hex dump. It accepts a connection, connects to the origin, and copies
 * bytes each way until either side closes, reading as long as the other side takes what it writes
 * (auto-read turned off while the other side's write buffer is over its high-water mark, back on
 * when it drains); no HTTP, no rules, no timeouts, no logs, no counters. It runs on the same epoll
 * transport, event-loop count and JVM as Ferry, so what it costs next to HAProxy is what the
 * platform costs before Ferry does anything.
 *
 * <p>Run from the source tree with Ferry's jar for Netty: {@code java -cp target/ferry.jar
 * bench/lib/NettyRelay.java LISTEN_PORT ORIGIN_PORT}; it prints {@code listening} once bound.
 */
public final class NettyRelay {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        InetSocketAddress origin = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(), EpollIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(loops)
                .channelFactory(() -> new EpollServerSocketChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        new Bootstrap().group(client.eventLoop())
                                .channelFactory(() -> new EpollSocketChannel(SocketProtocolFamily.INET))
                                .option(ChannelOption.AUTO_READ, false)
                                .handler(new Relay(client))
                                .connect(origin).addListener((ChannelFutureListener) f -> {
                                    if (!f.isSuccess()) {
                                        client.close();
                                        return;
                                    }
                                    client.pipeline().addLast(new Relay(f.channel()));
                                    client.config().setAutoRead(true);
                                    f.channel().config().setAutoRead(true);
                                });
                    }
                });
        b.bind(new InetSocketAddress("127.0.0.1", port)).sync();
        System.out.println("listening");
        loops.terminationFuture().sync();
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
