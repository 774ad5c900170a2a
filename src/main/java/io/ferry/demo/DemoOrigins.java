package io.ferry.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The demonstration's origins, running together on one event loop of their own: the static
 * {@link DemoSite} and the WebSocket {@link ChatServer}.
 *
 * <pre>{@code
 * try (DemoOrigins origins = DemoOrigins.start(DemoOrigins.SILENT_HOLD)) {
 *     int site = origins.site().address().getPort();
 * }
 * }</pre>
 */
public final class DemoOrigins implements AutoCloseable {

    /**
     * How long the chat keeps a silent connection: long beside the demonstration's
     * {@code timeout server-fin}, so that Ferry, not the application, is seen ending it.
     */
    public static final Duration SILENT_HOLD = Duration.ofSeconds(60);

    private final EventLoopGroup group;
    private final DemoSite site;
    private final ChatServer chat;

    private DemoOrigins(EventLoopGroup group, DemoSite site, ChatServer chat) {
        this.group = group;
        this.site = site;
        this.chat = chat;
    }

    /** Starts both origins on 127.0.0.1 and ephemeral ports. */
    public static DemoOrigins start(Duration silentHold) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        DemoSite site = null;
        try {
            site = DemoSite.start(group);
            return new DemoOrigins(group, site, ChatServer.start(group, silentHold));
        } catch (RuntimeException e) {
            if (site != null) {
                site.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** A listener on 127.0.0.1 and an ephemeral port whose connections {@code init} sets up. */
    static Channel listen(EventLoopGroup group, Consumer<SocketChannel> init) {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .syncUninterruptibly()
                .channel();
    }

    public DemoSite site() {
        return site;
    }

    public ChatServer chat() {
        return chat;
    }

    @Override
    public void close() {
        site.close();
        chat.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
