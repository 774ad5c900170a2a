package io.ferry.admin;

import io.ferry.config.Address;
import io.ferry.config.GlobalSettings;
import io.ferry.net.UnixSocketFile;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.FerryService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The runtime API: one listening socket per {@code stats socket} line of {@code global}, a TCP
 * address or a unix socket path (native transport), with its level and, for a path, its
 * permissions ({@code mode}). Connections idle for {@code stats timeout} (10 s by default) are
 * closed. Started by {@link Ferry#start} through {@link FerryService}.
 */
public final class RuntimeApiService implements FerryService {

    /** A line longer than this is refused (the connection closes). */
    static final int MAX_LINE = 16384;

    @Override
    public Running start(Ferry ferry, EventLoopGroup loops) {
        List<GlobalSettings.StatsSocket> sockets = ferry.config().global().statsSockets();
        if (sockets.isEmpty()) {
            return () -> { };
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferry-runtime-api");
            t.setDaemon(true);
            return t;
        });
        Commands commands = new Commands(ferry);
        long timeoutMs = ferry.config().global().statsTimeoutMs();
        List<Channel> bound = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        Running stop = new Running() {
            @Override
            public List<SocketAddress> addresses() {
                return bound.stream().map(Channel::localAddress).toList();
            }

            @Override
            public void close() throws Exception {
                for (Channel c : bound) {
                    c.close().syncUninterruptibly();
                }
                for (Path p : paths) {
                    Files.deleteIfExists(p);
                }
                executor.shutdownNow();
                executor.awaitTermination(2, TimeUnit.SECONDS);
            }
        };
        try {
            for (GlobalSettings.StatsSocket s : sockets) {
                bound.add(bind(ferry, loops, s, commands, executor, timeoutMs, paths));
            }
        } catch (RuntimeException e) {
            try {
                stop.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return stop;
    }

    private static Channel bind(Ferry ferry, EventLoopGroup loops, GlobalSettings.StatsSocket s, Commands commands,
                                ExecutorService executor, long timeoutMs, List<Path> paths) {
        Address a = s.address();
        ChannelFactory<? extends ServerChannel> channel;
        SocketAddress where;
        Path path = null;
        if (a.kind() == Address.Kind.FD) {
            channel = null;
            where = null;
        } else if (a.kind() == Address.Kind.UNIX) {
            path = Path.of(a.path());
            removeStale(path);
            Class<? extends ServerChannel> type = ferry.transport().serverDomainSocketChannel();
            channel = new io.netty.channel.ReflectiveChannelFactory<>(type);
            where = new DomainSocketAddress(a.path());
        } else {
            SocketAddress tcp = a.address() == null ? new InetSocketAddress(a.port())
                    : new InetSocketAddress(a.address(), a.port());
            channel = () -> ferry.transport().newServerChannel(tcp);
            where = tcp;
        }
        Level level = Level.of(s.level());
        // A client that sends its line and shuts its output (echo ... | socat) still gets its answer.
        ServerBootstrap b = new ServerBootstrap().group(loops)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, timeoutMs, TimeUnit.MILLISECONDS),
                                new LineBasedFrameDecoder(MAX_LINE), new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8), new CliHandler(commands, level, executor));
                    }
                });
        if (channel != null) {
            b.channelFactory(channel);
        }
        Channel ch;
        if (a.kind() == Address.Kind.FD) {
            ch = adopt(ferry, b, s);
        } else {
            try {
                ch = b.bind(where).syncUninterruptibly().channel();
            } catch (Exception e) {
                throw new IllegalStateException("cannot bind stats socket " + a + " (" + s.location() + "): "
                        + e.getMessage(), e);
            }
        }
        if (path != null) {
            paths.add(path);
            if (s.mode() >= 0) {
                permissions(path, s.mode());
            }
        }
        return ch;
    }

    /**
     * Registers the listening socket inherited as {@code fd@N} (a TCP or a unix socket, told apart
     * by the kernel's tables) instead of binding one.
     */
    private static Channel adopt(Ferry ferry, ServerBootstrap b, GlobalSettings.StatsSocket s) {
        int fd = s.address().fd();
        boolean unix = io.ferry.net.Transport.isUnixSocket(fd);
        return io.ferry.net.ListenerGroup.adopt(b, () -> unix ? ferry.transport().inheritedDomainServerChannel(fd)
                : ferry.transport().inheritedServerChannel(fd), fd,
                "cannot use stats socket " + s.address() + " (" + s.location() + "): ", "socket");
    }

    /** A socket file left by an earlier run is replaced, as HAProxy does; any other file is not touched. */
    private static void removeStale(Path path) {
        try {
            if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot replace stats socket " + path + ": " + e.getMessage(), e);
        }
    }

    private static void permissions(Path path, int mode) {
        Set<PosixFilePermission> set = UnixSocketFile.permissions(mode);
        try {
            Files.setPosixFilePermissions(path, set);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set mode " + Integer.toOctalString(mode) + " on stats socket "
                    + path + ": " + e.getMessage(), e);
        }
    }
}
