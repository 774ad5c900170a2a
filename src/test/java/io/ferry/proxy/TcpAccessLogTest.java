package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import io.ferry.testing.ScriptedServer;
import io.ferry.testing.SyslogReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code option tcplog} lines of {@code mode tcp} streams, received by a real UDP syslog server. */
class TcpAccessLogTest extends FerryTestBase {

    private static final Pattern TCPLOG = Pattern.compile("^(\\S+):(\\d+) \\[([^\\]]+)\\] (\\S+) (\\S+)/(\\S+) "
            + "(-?\\d+)/(-?\\d+)/(-?\\d+) (\\d+) (\\S\\S) (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (\\d+)/(\\d+)\n$");

    private SyslogReceiver syslog;

    @BeforeEach
    void receiver() throws IOException {
        syslog = new SyslogReceiver();
        resources.add(syslog);
    }

    private InetSocketAddress start(String extra, String server) {
        ferry = Ferry.start(Configs.parse("""
                defaults
                    mode tcp
                    timeout client 5s
                    timeout server 5s
                    timeout connect 1s
                listen tunnel
                    bind 127.0.0.1:0
                    log %s format raw local0
                    option tcplog
                %s
                    server s1 %s
                """.formatted(syslog.address(), extra, server)));
        return ferry.boundAddresses().get(0);
    }

    private Matcher line() throws IOException {
        String l = syslog.next(5000);
        Matcher m = TCPLOG.matcher(l);
        assertThat(m.matches()).as(l).isTrue();
        return m;
    }

    @Test
    void echoedBytesThenBothFinsIsANormalEnd() throws Exception {
        ScriptedServer echo = ScriptedServer.raw((head, in, out) -> {
            byte[] b = in.readAllBytes();
            out.write(b);
            out.write(b);
        });
        resources.add(echo);
        InetSocketAddress addr = start("", echo.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.send("hello");
            raw.shutdownOutput();
            assertThat(raw.readAll()).isEqualTo("hellohello");
        }
        Matcher m = line();
        assertThat(m.group(1)).isEqualTo("127.0.0.1");
        assertThat(m.group(4)).isEqualTo("tunnel");
        assertThat(m.group(5) + "/" + m.group(6)).isEqualTo("tunnel/s1");
        assertThat(Long.parseLong(m.group(7))).as("Tw").isBetween(0L, 1000L);
        assertThat(Long.parseLong(m.group(8))).as("Tc").isBetween(0L, 1000L);
        assertThat(Long.parseLong(m.group(9))).as("Tt").isBetween(0L, 5000L);
        assertThat(m.group(10)).as("bytes to the client").isEqualTo("10");
        assertThat(m.group(11)).isEqualTo("--");
        assertThat(m.group(12) + "/" + m.group(13)).as("actconn/feconn").isEqualTo("1/1");
        assertThat(m.group(16)).as("retries").isEqualTo("0");
    }

    /** A tunnel to a server that sends "bye" and closes (its FIN comes first). */
    private InetSocketAddress tunnelToGreeter() throws IOException {
        ScriptedServer greeter = ScriptedServer.raw((head, in, out) -> out.write("bye".getBytes(StandardCharsets.US_ASCII)));
        resources.add(greeter);
        return start("", greeter.address());
    }

    @Test
    void serverFinThenClientFinIsANormalEnd() throws Exception {
        // Ferry's FIN reaches the client first; the client's own FIN then closes its connection.
        InetSocketAddress addr = tunnelToGreeter();
        try (RawClient raw = new RawClient(addr)) {
            assertThat(raw.readAll()).isEqualTo("bye");
            raw.shutdownOutput();
        }
        Matcher m = line();
        assertThat(m.group(11)).isEqualTo("--");
        assertThat(m.group(10)).as("bytes to the client").isEqualTo("3");
    }

    @Test
    void clientResetAfterServerFinIsCD() throws Exception {
        InetSocketAddress addr = tunnelToGreeter();
        RawClient raw = new RawClient(addr);
        assertThat(raw.readAll()).isEqualTo("bye");
        raw.reset();
        Matcher m = line();
        assertThat(m.group(11)).isEqualTo("CD");
    }

    @Test
    void refusedServerIsSC() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        InetSocketAddress addr = start("    retries 1\n    timeout connect 100ms", "127.0.0.1:" + closedPort);
        try (RawClient raw = new RawClient(addr)) {
            raw.send("x");
            raw.readAll();
        }
        Matcher m = line();
        assertThat(m.group(11)).isEqualTo("SC");
        assertThat(m.group(8)).as("Tc").isEqualTo("-1");
        assertThat(m.group(16)).as("retries").isEqualTo("1");
    }

    @Test
    void serverTimeoutIsLowercaseSD() throws Exception {
        ScriptedServer silent = ScriptedServer.raw((head, in, out) -> in.read());
        resources.add(silent);
        InetSocketAddress addr = start("    timeout server 300ms", silent.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.readAll();
        }
        Matcher m = line();
        assertThat(m.group(11)).isEqualTo("sD");
        assertThat(Long.parseLong(m.group(9))).as("Tt").isBetween(280L, 3000L);
    }

    /**
     * Both FINs are in but the client takes nothing of the rest of the answer: its fin timeout ends
     * the last flush, and the line, written then, says the client timed out ({@code cD}).
     */
    @Test
    void aClientThatTakesNothingOfTheRestIsLowercaseCD() throws Exception {
        Matcher m = stuckClient((head, in, out) -> {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            out.write(new byte[48 << 10]);
        }, true, """
                    timeout client 5s
                    timeout server 5s
                    timeout client-fin 500ms
                """);
        assertThat(m.group(11)).isEqualTo("cD");
        assertThat(Long.parseLong(m.group(9))).as("Tt").isBetween(450L, 5000L);
    }

    /**
     * The client stops reading while the server streams: Ferry stops reading the server for it, so
     * the server is quiet because of the client. The client's timeout ends the stream ({@code cD}),
     * though the server's is shorter: {@code timeout client}, as HAProxy 2.6 ends it; or, for a
     * client that half-closed first, its fin timeout (nothing more is expected from it, but it must
     * take what Ferry has for it).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aClientThatStopsTakingIsCDAfterItsOwnTimeoutThoughTheServersIsShorter(boolean halfClosed) throws Exception {
        Matcher m = stuckClient(STREAMING, halfClosed, halfClosed ? """
                    timeout client 10s
                    timeout server 10s
                    timeout client-fin 1500ms
                    timeout server-fin 300ms
                """ : """
                    timeout client 1500ms
                    timeout server 300ms
                """);
        assertThat(m.group(11)).isEqualTo("cD");
        assertThat(Long.parseLong(m.group(9))).as("Tt").isBetween(1400L, 6000L);
    }

    /** A server that streams 8 MiB once the client's first byte is in. */
    private static final ScriptedServer.Script STREAMING = (head, in, out) -> {
        in.read();
        out.write(new byte[8 << 20]);
    };

    /**
     * The line of a tunnel to {@code script} whose client sends a byte (and its FIN if {@code
     * halfClose}) and then reads nothing, through a 4 KiB send buffer.
     */
    private Matcher stuckClient(ScriptedServer.Script script, boolean halfClose, String timeouts) throws Exception {
        ScriptedServer streaming = ScriptedServer.raw(script);
        resources.add(streaming);
        ferry = Ferry.start(Configs.parse("""
                global
                    tune.sndbuf.client 4096
                listen tunnel
                    mode tcp
                    bind 127.0.0.1:0
                    log %s format raw local0
                    option tcplog
                    timeout connect 1s
                %s
                    server s1 %s
                """.formatted(syslog.address(), timeouts, streaming.address())));
        try (java.net.Socket c = new java.net.Socket()) {
            c.setReceiveBufferSize(4096);
            c.connect(ferry.boundAddresses().get(0));
            c.getOutputStream().write('?');
            if (halfClose) {
                c.shutdownOutput();
            }
            return line();
        }
    }

    @Test
    void clientResetIsCD() throws Exception {
        ScriptedServer silent = ScriptedServer.raw((head, in, out) -> in.read());
        resources.add(silent);
        InetSocketAddress addr = start("", silent.address());
        RawClient raw = new RawClient(addr);
        raw.send("x");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> silent.accepted() == 1);
        raw.reset();
        Matcher m = line();
        assertThat(m.group(11)).isEqualTo("CD");
    }

    /**
     * Behind a server that is full: a queued client whose FIN comes before it sent anything is
     * dropped ({@code CQ}, as HAProxy 2.6 drops it); one that sent bytes before its FIN keeps its
     * turn, and the server gets the bytes and the FIN.
     */
    @Test
    void aQueuedClientThatClosedWithNothingSentIsDroppedOneWithBytesIsServed() throws Exception {
        ScriptedServer greeter = ScriptedServer.raw((head, in, out) -> {
            ScriptedServer.write(out, "hello ");
            ScriptedServer.write(out, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        });
        resources.add(greeter);
        InetSocketAddress addr = start("    timeout queue 5s", greeter.address() + " maxconn 1");
        try (RawClient holder = new RawClient(addr)) {
            assertThat(holder.readUntil("hello ", 1)).isEqualTo("hello ");
            RawClient empty = new RawClient(addr);
            resources.add(empty);
            empty.shutdownOutput();
            assertThat(empty.readAll()).as("dropped while the server is still full").isEmpty();
            Matcher dropped = line();
            assertThat(dropped.group(11)).isEqualTo("CQ");
            assertThat(dropped.group(6)).isEqualTo("<NOSRV>");
            assertThat(dropped.group(18)).as("backend queue").isEqualTo("1");

            RawClient sender = new RawClient(addr);
            resources.add(sender);
            sender.send("x");
            sender.shutdownOutput();
            await().atMost(Duration.ofSeconds(5)).until(() -> ferry.queued("tunnel") == 1);
            holder.shutdownOutput();
            assertThat(holder.readAll()).as("the rest, once the server closed").isEmpty();
            assertThat(sender.readAll()).isEqualTo("hello x");
        }
        assertThat(line().group(11)).isEqualTo("--");
        Matcher served = line();
        assertThat(served.group(11)).isEqualTo("--");
        assertThat(served.group(10)).as("bytes to the client").isEqualTo("7");
        assertThat(greeter.accepted()).isEqualTo(2);
    }

    @Test
    void dontlognullSkipsConnectionsThatSentNothing() throws Exception {
        ScriptedServer closing = ScriptedServer.raw((head, in, out) -> { });
        resources.add(closing);
        InetSocketAddress addr = start("    option dontlognull", closing.address());
        try (RawClient raw = new RawClient(addr)) {
            raw.readAll();
        }
        assertThat(syslog.silentFor(500)).isTrue();
    }
}
