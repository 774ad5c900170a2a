package io.ferry.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.proxy.Ferry;
import io.ferry.proxy.ProxyCounters;
import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.SyslogReceiver;
import io.ferry.testing.TestOrigin;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What follows a server's change of state, on real loopback sockets: errors observed on traffic
 * ({@code observe}), streams closed ({@code on-marked-down}, {@code on-marked-up}), checks of unix
 * socket servers, and slow start on an injected clock.
 */
class ServerHealthReactionsTest extends HealthTestBase {

    private static final Pattern TCPLOG = Pattern.compile("^\\S+ \\[[^\\]]+\\] \\S+ \\S+/(\\S+) -?\\d+/-?\\d+/-?\\d+ "
            + "\\d+ (\\S\\S) .*\n$");

    @Test
    void observeLayer4MarksAServerDownAfterErrorLimitRefusedConnections() throws Exception {
        TestOrigin health = origin("health", 0);
        TestOrigin b = origin("b", 0);
        int dead = deadPort();
        start("""
                    retries 0
                    server a 127.0.0.1:%d check port %d inter 10s observe layer4 error-limit 2 on-error mark-down
                    server b %s
                """.formatted(dead, health.port(), b.address()));
        await().atMost(Duration.ofSeconds(5)).until(() -> server("app", "a").state().lastCheck() != null);
        assertThat(server("app", "a").state().status()).isEqualTo("UP");
        // Round-robin: every other request goes to a, whose traffic port refuses; the second refusal is the limit.
        int refused = 0;
        for (int i = 0; i < 4; i++) {
            if (get("/x").statusCode() == 503) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(2);
        assertThat(server("app", "a").state().status()).isEqualTo("DOWN");
        assertThat(lines()).anySatisfy(l -> assertThat(l).matches("Server app/a is DOWN, reason: Health analyze, info: "
                + "\"Detected 2 consecutive errors, last one was: L4 unsuccessful connection\"\\. 1 active and 0 "
                + "backup servers left\\. \\d+ sessions active, 0 requeued, 0 remaining in queue\\."));
        assertThat(server("app", "a").state().lastCheck().status()).isEqualTo("HANA");
        assertThat(server("app", "a").state().analyzeFailures()).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            assertThat(get("/x").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void observeLayer7CountsServerErrorsButNot501AndASuccessStartsAgain() throws Exception {
        TestOrigin o = origin("o", 0);
        start("""
                    server s %s check inter 10s observe layer7 error-limit 3 on-error mark-down
                """.formatted(o.address()));
        await().atMost(Duration.ofSeconds(5)).until(() -> server("app", "s").state().lastCheck() != null);
        for (String path : List.of("/status/500", "/status/502", "/status/501", "/x", "/status/503", "/status/504")) {
            get(path);
        }
        assertThat(server("app", "s").state().status()).as("a 200 set the count back").startsWith("UP");
        assertThat(server("app", "s").observedHealth().consecutiveErrors()).isEqualTo(2);
        assertThat(get("/status/500").statusCode()).isEqualTo(500);
        assertThat(server("app", "s").state().status()).isEqualTo("DOWN");
        assertThat(lines()).anySatisfy(l -> assertThat(l).startsWith("Server app/s is DOWN, reason: Health analyze, "
                + "info: \"Detected 3 consecutive errors, last one was: Wrong http response\". 0 active and 0 backup "
                + "servers left."));
        assertThat(get("/x").statusCode()).isEqualTo(503);
    }

    /** A TCP listen section logging tcplog lines to {@code syslog}, with {@code servers}. */
    private InetSocketAddress startTcp(SyslogReceiver syslog, String servers) {
        ferry = Ferry.start(Configs.parse("""
                defaults
                    mode tcp
                    timeout client 1h
                    timeout server 1h
                    timeout connect 2s
                listen raw
                    bind 127.0.0.1:0
                    log %s format raw local0
                    option tcplog
                """.formatted(syslog.address()) + servers));
        return ferry.boundAddresses().get(0);
    }

    private ScriptedServer echo() throws Exception {
        ScriptedServer s = ScriptedServer.raw((head, in, out) -> in.transferTo(out));
        resources.add(s);
        return s;
    }

    private SyslogReceiver syslog() throws Exception {
        SyslogReceiver r = new SyslogReceiver();
        resources.add(r);
        return r;
    }

    private static Matcher tcplog(String line) {
        Matcher m = TCPLOG.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        return m;
    }

    private void awaitTunnels(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                ferry.frontends().get(0).counters().inState(ProxyCounters.ConnState.TUNNEL) == n);
    }

    @Test
    void onMarkedDownShutdownSessionsClosesTheStreamsOfAServerThatGoesDown() throws Exception {
        SyslogReceiver syslog = syslog();
        ScriptedServer echo = echo();
        TestOrigin health = origin("health", 0);
        InetSocketAddress addr = startTcp(syslog, """
                    server s1 %s check port %d inter 100 fall 1 rise 1 on-marked-down shutdown-sessions
                """.formatted(echo.address(), health.port()));
        try (RawClient c = new RawClient(addr)) {
            c.send("ping");
            assertThat(c.readUntil("ping", 1)).isEqualTo("ping");
            awaitTunnels(1);
            health.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> server("raw", "s1").state().status().equals("DOWN"));
            assertThat(c.closedByPeerAfterDraining()).isTrue();
        }
        Matcher m = tcplog(syslog.next(5000));
        assertThat(m.group(1)).isEqualTo("s1");
        assertThat(m.group(2)).as("ended because its server went down, with no phase, as HAProxy 2.6 logs it").isEqualTo("D-");
    }

    @Test
    void onMarkedDownShutdownSessionsAnswers502ToAnHttpStreamWaitingForItsServer() throws Exception {
        SyslogReceiver syslog = syslog();
        TestOrigin o = origin("o", 0);
        TestOrigin health = origin("health", 0);
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    log %s format raw local0
                    option httplog
                    default_backend app
                backend app
                    server s %s check port %d inter 100 fall 1 rise 1 on-marked-down shutdown-sessions
                """.formatted(syslog.address(), o.address(), health.port())));
        try (RawClient c = new RawClient(ferry.boundAddresses().get(0))) {
            c.send("GET /delay/20000 HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> o.seen().size() == 1);
            health.close();
            // As HAProxy 2.6 does for a stream waiting for its server's answer: a 502.
            assertThat(c.readUntil("\r\n\r\n", 1)).startsWith("HTTP/1.1 502 ");
        }
        io.ferry.testing.HttpLogLine l = io.ferry.testing.HttpLogLine.parse(syslog.next(5000));
        assertThat(l.status()).isEqualTo(502);
        assertThat(l.termination()).isEqualTo("DH--");
    }

    @Test
    void onMarkedUpShutdownBackupSessionsClosesTheBackupsStreamsWhenAnActiveServerComesBack() throws Exception {
        SyslogReceiver syslog = syslog();
        ScriptedServer active = echo();
        ScriptedServer backup = echo();
        int healthPort = deadPort();
        InetSocketAddress addr = startTcp(syslog, """
                    server a %s check port %d inter 100 fall 1 rise 1 on-marked-up shutdown-backup-sessions
                    server x %s backup
                """.formatted(active.address(), healthPort, backup.address()));
        await().atMost(Duration.ofSeconds(10)).until(() -> server("raw", "a").state().status().equals("DOWN"));
        try (RawClient c = new RawClient(addr)) {
            c.send("ping");
            assertThat(c.readUntil("ping", 1)).isEqualTo("ping");
            assertThat(backup.accepted()).isEqualTo(1);
            awaitTunnels(1);
            origin("health", healthPort);
            await().atMost(Duration.ofSeconds(10)).until(() -> server("raw", "a").state().usable());
            assertThat(c.closedByPeerAfterDraining()).isTrue();
        }
        Matcher m = tcplog(syslog.next(5000));
        assertThat(m.group(1)).isEqualTo("x");
        assertThat(m.group(2)).as("a backup's stream cut when an active server came up").isEqualTo("U-");
        // New streams go to the active server.
        try (RawClient c = new RawClient(addr)) {
            c.send("pong");
            assertThat(c.readUntil("pong", 1)).isEqualTo("pong");
        }
        assertThat(active.accepted()).isEqualTo(1);
    }

    @Test
    void unixSocketServersAreCheckedOnTheirSocket(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix socket servers need the epoll transport");
        Path path = dir.resolve("app.sock");
        TestOrigin o = TestOrigin.startUnix("u", path);
        resources.add(o);
        start("""
                    option httpchk GET /health
                    timeout check 5s
                    server u unix@%s check inter 300 fall 2 rise 1
                """.formatted(path));
        await().atMost(Duration.ofSeconds(5)).until(() -> server("app", "u").state().lastCheck() != null);
        assertThat(server("app", "u").state().lastCheck().status()).isEqualTo("L7OK");
        assertThat(o.seen()).anySatisfy(r -> assertThat(r.uri()).isEqualTo("/health"));
        assertThat(get("/x").body()).isEqualTo("u GET /x");
        // fall 2: a check under way as the origin stops may fail otherwise; the second one finds no socket.
        o.close();
        java.nio.file.Files.deleteIfExists(path);
        await().atMost(Duration.ofSeconds(5)).until(() -> server("app", "u").state().status().equals("DOWN"));
        // HAProxy's words for a unix socket that is gone.
        assertThat(server("app", "u").state().lastCheck().status()).isEqualTo("SOCKERR");
        // The line follows the change of state, on the checker's thread.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(lines()).anySatisfy(l -> assertThat(l)
                .startsWith("Server app/u is DOWN, reason: Socket error, info: \"General socket error (No such file or "
                        + "directory)\", check duration: ")));
        TestOrigin back = TestOrigin.startUnix("u2", path);
        resources.add(back);
        await().atMost(Duration.ofSeconds(5)).until(() -> server("app", "u").state().usable());
        assertThat(get("/x").body()).isEqualTo("u2 GET /x");
    }

    /** A wall clock that moves only when told to. */
    private static final class SteppedClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-02T08:00:00Z").toEpochMilli());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** The {@code weight} and {@code throttle} columns of server {@code name} in {@code show stat}. */
    private String[] weightAndThrottle(String name) throws Exception {
        String stat;
        try (Socket s = new Socket()) {
            s.connect(ferry.serviceAddresses().get(0), 5000);
            s.setSoTimeout(10000);
            s.getOutputStream().write("show stat\n".getBytes(StandardCharsets.US_ASCII));
            stat = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
        for (String row : stat.split("\n")) {
            String[] f = row.split(",", -1);
            if (f.length > 29 && f[0].equals("app") && f[1].equals(name)) {
                return new String[] {f[18], f[29]};
            }
        }
        throw new AssertionError("no row for " + name + " in " + stat);
    }

    @Test
    void slowStartRampsTheWeightOfAServerThatComesBackOnTheInjectedClock() throws Exception {
        SteppedClock clock = new SteppedClock();
        TestOrigin a = origin("a", 0);
        TestOrigin b = origin("b", 0);
        int healthPort = deadPort();
        TestOrigin health = origin("health", healthPort);
        ferry = Ferry.start(Configs.parse("global\n    stats socket 127.0.0.1:0 level admin\n" + Configs.HTTP_DEFAULTS
                + """
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server a %s check port %d inter 100 fall 1 rise 1 weight 4 slowstart 20s
                    server b %s weight 4
                """.formatted(a.address(), healthPort, b.address())), clock);
        await().atMost(Duration.ofSeconds(5)).until(() -> server("app", "a").state().lastCheck() != null);
        assertThat(weightAndThrottle("a")).as("no slow start at start-up").containsExactly("4", "");

        health.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server("app", "a").state().status().equals("DOWN"));
        origin("health", healthPort);
        await().atMost(Duration.ofSeconds(10)).until(() -> server("app", "a").state().usable());
        // A sixteenth of its weight at once: one request in 17 where b takes 16.
        assertThat(weightAndThrottle("a")).containsExactly("1", "6");
        int before = a.requests();
        for (int i = 0; i < 34; i++) {
            assertThat(get("/x").statusCode()).isEqualTo(200);
        }
        assertThat(a.requests() - before).isEqualTo(2);

        clock.advance(Duration.ofSeconds(10));
        // The next step (every max(1 s, slowstart / 20) of real time) reads the clock: 9/16 of the weight.
        await().atMost(Duration.ofSeconds(10)).until(() -> server("app", "a").throttle() == 56);
        assertThat(weightAndThrottle("a")).containsExactly("3", "56");

        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> !server("app", "a").ramping());
        assertThat(weightAndThrottle("a")).containsExactly("4", "");
        before = a.requests();
        for (int i = 0; i < 20; i++) {
            get("/x");
        }
        assertThat(a.requests() - before).isEqualTo(10);
    }
}
