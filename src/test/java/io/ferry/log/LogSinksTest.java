package io.ferry.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Config;
import io.ferry.testing.Configs;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sinks, the queue that keeps event loops from waiting, and the frontend's filters, with a fixed clock. */
class LogSinksTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-04T07:04:23.425Z"), ZoneOffset.UTC);

    private static StreamLog record(AccessLog log) {
        StreamLog r = log.accepted(new InetSocketAddress("127.0.0.1", 40000), new InetSocketAddress("127.0.0.1", 80), 0);
        r.firstByte(CLOCK.millis(), 0);
        r.requestLine("GET", "/", "HTTP/1.1");
        r.status(503);
        r.end(0);
        return r;
    }

    @Test
    void stdoutWithLevelsAndTheDefaultFormat() throws Exception {
        Config c = Configs.parse("""
                global
                    log stdout format raw local0
                    log stdout format short local0 notice
                frontend www
                    mode http
                    bind 127.0.0.1:0
                    log global
                    option httplog
                    option log-separate-errors
                    capture request header Host len 3
                frontend plain
                    mode tcp
                    bind 127.0.0.1:0
                    log stdout local2
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AccessLogs logs = AccessLogs.start(c, CLOCK, out, new ByteArrayOutputStream(), 16)) {
            AccessLog www = logs.frontend("www");
            StreamLog r = record(www);
            r.requestCaptures(www.captureRequest(name -> name.equals("Host") ? "example.org" : null));
            www.emit(r);
            logs.frontend("plain").accepted(new InetSocketAddress("127.0.0.1", 1234),
                    new InetSocketAddress("127.0.0.1", 80), 0);
        }
        String line = "127.0.0.1:40000 [04/Nov/2026:07:04:23.425] www www/<NOSRV> -1/-1/-1/-1/0 503 0 - - ---- "
                + "0/0/0/0/0 0/0 {exa} \"GET / HTTP/1.1\"";
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(line + "\n" + "<3>" + line + "\n"
                + "<150>Nov  4 07:04:23 ferry[" + ProcessHandle.current().pid() + "]: Connect from 127.0.0.1:1234 to "
                + "127.0.0.1:80 (plain/TCP)\n");
    }

    @Test
    void infoLinesAreFilteredByATargetLevel() throws Exception {
        Config c = Configs.parse("""
                frontend www
                    mode http
                    bind 127.0.0.1:0
                    log stdout format raw local0 notice
                    option httplog
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AccessLogs logs = AccessLogs.start(c, CLOCK, out, new ByteArrayOutputStream(), 16)) {
            logs.frontend("www").emit(record(logs.frontend("www")));
            assertThat(logs.frontend("nothing")).isNull();
        }
        assertThat(out.size()).as("an info line, a notice target, no log-separate-errors").isZero();
    }

    @Test
    void aFullQueueDropsAndCountsWithoutWaiting() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        LogSink blocked = new LogSink() {
            @Override
            public void send(byte[] message) {
                first.countDown();
                try {
                    unblock.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void close() {
            }
        };
        LogQueue q = new LogQueue(2);
        try {
            assertThat(q.offer(blocked, new byte[1])).isTrue();
            assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(q.offer(blocked, new byte[1])).isTrue();
            assertThat(q.offer(blocked, new byte[1])).isTrue();
            long t0 = System.nanoTime();
            assertThat(q.offer(blocked, new byte[1])).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(100);
            assertThat(q.dropped()).isEqualTo(1);
        } finally {
            unblock.countDown();
            q.close();
        }
        assertThat(q.sent()).isEqualTo(3);
    }

    @Test
    void anIdleQueueSleepsUntilAMessageComesAndCloseEndsItsThread() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        LogSink sink = new LogSink() {
            @Override
            public void send(byte[] message) {
                got.add(new String(message, StandardCharsets.US_ASCII));
            }

            @Override
            public void close() {
            }
        };
        LogQueue q = new LogQueue(4);
        try {
            // Waiting without a timeout: an idle proxy's log thread is not woken ten times a second.
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.threadState() == Thread.State.WAITING);
            assertThat(q.offer(sink, "one".getBytes(StandardCharsets.US_ASCII))).isTrue();
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("one");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.threadState() == Thread.State.WAITING);
            assertThat(q.offer(sink, "two".getBytes(StandardCharsets.US_ASCII))).isTrue();
        } finally {
            q.close();
        }
        assertThat(q.threadState()).isEqualTo(Thread.State.TERMINATED);
        assertThat(q.sent()).isEqualTo(2);
        assertThat(got).containsExactly("two");
        assertThat(q.offer(sink, "three".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void unixDatagramSyslog(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix datagram sockets need the epoll transport");
        Path socket = dir.resolve("log.sock");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel server = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            received.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(socket.toString())).sync().channel();
            Config c = Configs.parse("""
                    global
                        log unix@%s format rfc5424 local7
                    frontend www
                        mode http
                        bind 127.0.0.1:0
                        log global
                        option httplog
                    """.formatted(socket));
            try (AccessLogs logs = AccessLogs.start(c, CLOCK)) {
                logs.frontend("www").emit(record(logs.frontend("www")));
                String m = received.poll(5, TimeUnit.SECONDS);
                assertThat(m).isEqualTo("<190>1 2026-11-04T07:04:23.425000+00:00 - ferry " + ProcessHandle.current().pid()
                        + " - - 127.0.0.1:40000 [04/Nov/2026:07:04:23.425] www www/<NOSRV> -1/-1/-1/-1/0 503 0 - - "
                        + "---- 0/0/0/0/0 0/0 \"GET / HTTP/1.1\"\n");
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> logs.queue().sent() == 1);
                assertThat(logs.queue().failed()).isZero();
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertThat(Files.exists(socket)).isTrue();
    }
}
