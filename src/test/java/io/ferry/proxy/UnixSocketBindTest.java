package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.config.ConfigLoader;
import io.ferry.config.LoadResult;
import io.ferry.testing.Configs;
import io.ferry.testing.SyslogReceiver;
import io.ferry.testing.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bind unix@/path} and bare-path binds: HTTP and TCP frontends on unix stream sockets,
 * reached with the JDK's own unix socket client, with HAProxy's view of the client's address.
 */
class UnixSocketBindTest extends FerryTestBase {

    @TempDir
    Path dir;

    private SyslogReceiver syslog;
    private TestOrigin origin;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(io.ferry.net.Transport.select().supportsUnixSockets(), "unix socket listeners need the epoll transport");
        syslog = new SyslogReceiver();
        resources.add(syslog);
        origin = TestOrigin.start("o");
        resources.add(origin);
    }

    /** Logs to the test's receiver, in mode http with every timeout bounded. */
    private String head() {
        return """
                global
                    log %s format raw local0
                defaults
                    mode http
                    log global
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                """.formatted(syslog.address());
    }

    private String config(String httpBinds, String tcpBinds) {
        return head() + """
                frontend www
                %s
                    option forwardfor
                    log-format "ci=%%ci cp=%%cp fi=%%fi fp=%%fp src=%%[src] sport=%%[src_port] st=%%ST"
                    http-request set-header X-Client "%%[src]-%%ci:%%cp"
                    default_backend app
                backend app
                    server s1 %s
                listen raw
                    mode tcp
                    log-format "tcp ci=%%ci cp=%%cp"
                %s
                    server s1 %2$s
                """.formatted(httpBinds, origin.address(), tcpBinds);
    }

    /** Sends {@code request} over the unix socket {@code path} and reads until the server closes. */
    private static String exchange(Path path, String request) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (c.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String get(Path path, String uri) throws IOException {
        return exchange(path, "GET " + uri + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    }

    @Test
    void httpAndTcpFrontendsServeOnUnixSocketsWithHaproxysViewOfTheClient() throws Exception {
        Path www = dir.resolve("www.sock");
        Path raw = dir.resolve("raw.sock");
        ferry = Ferry.start(Configs.parse(config("    bind 127.0.0.1:0\n    bind unix@" + www + " mode 600\n",
                "    bind " + raw + "\n")));

        assertThat(get(www, "/a")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("o GET /a");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(www))).isEqualTo("rw-------");
        // As HAProxy 2.6 logs it: "unix" for the addresses, the listener's id (its place in the frontend) for the ports,
        // and src / src_port not found.
        assertThat(syslog.next(5000).trim()).isEqualTo("ci=unix cp=2 fi=unix fp=2 src=- sport=- st=200");
        var seen = origin.seen().get(origin.seen().size() - 1);
        assertThat(seen.headers().contains("X-Forwarded-For")).as("no X-Forwarded-For for a unix socket client").isFalse();
        assertThat(seen.headers().get("X-Client")).isEqualTo("-unix:2");

        assertThat(get(raw, "/t")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("o GET /t");
        assertThat(syslog.next(5000).trim()).isEqualTo("tcp ci=unix cp=1");

        // The TCP listener of the same frontend is unchanged.
        int port = ferry.boundAddresses().get(0).getPort();
        try (var c = new io.ferry.testing.RawClient(ferry.boundAddresses().get(0))) {
            c.send("GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(c.readAll()).endsWith("o GET /b");
        }
        assertThat(syslog.next(5000)).startsWith("ci=127.0.0.1 cp=").contains("fp=" + port + " src=127.0.0.1 ");
        assertThat(origin.seen().get(origin.seen().size() - 1).headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }

    @Test
    void withoutALineFormatTheConnectLineNamesTheListenerAsHaproxyDoes() throws Exception {
        Path s = dir.resolve("plain.sock");
        ferry = Ferry.start(Configs.parse(head() + """
                frontend plain
                    bind 127.0.0.1:0
                    bind unix@%s
                    default_backend app
                backend app
                    server s1 %s
                """.formatted(s, origin.address())));
        assertThat(get(s, "/p")).endsWith("o GET /p");
        assertThat(syslog.next(5000).trim()).isEqualTo("Connect to unix:2 (plain/HTTP)");
    }

    @Test
    void aReloadKeepsTheSocketAStaleSocketFileIsReplacedAndStoppingRemovesIt() throws Exception {
        Path www = dir.resolve("www.sock");
        // A socket file left behind by an earlier process (the JDK leaves the file when it closes).
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(www));
        }
        assertThat(Files.exists(www, LinkOption.NOFOLLOW_LINKS)).isTrue();
        Path raw = dir.resolve("raw.sock");
        ferry = Ferry.start(Configs.parse(config("    bind unix@" + www + " mode 600\n", "    bind unix@" + raw + "\n")));
        assertThat(get(www, "/1")).endsWith("o GET /1");
        Object inode = key(www);

        // Same path, new mode: the same socket, its file given the new mode.
        ferry = ferry.reload(Configs.parse(config("    bind unix@" + www + " mode 660\n", "    bind unix@" + raw + "\n")));
        assertThat(key(www)).as("the listening socket was handed over, not bound again").isEqualTo(inode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(www))).isEqualTo("rw-rw----");
        assertThat(get(www, "/2")).endsWith("o GET /2");

        // A reload without the raw socket removes its file; the remaining one serves.
        Path other = dir.resolve("other.sock");
        ferry = ferry.reload(Configs.parse(config("    bind unix@" + www + "\n", "    bind unix@" + other + "\n")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !Files.exists(raw, LinkOption.NOFOLLOW_LINKS));
        assertThat(get(other, "/3")).endsWith("o GET /3");

        ferry.softStop();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !Files.exists(www, LinkOption.NOFOLLOW_LINKS) && !Files.exists(other, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aRegularFileAtThePathIsNeverReplaced() throws Exception {
        Path file = dir.resolve("data.sock");
        Files.writeString(file, "keep me");
        var config = Configs.parse(config("    bind unix@" + file + "\n", "    bind unix@" + dir.resolve("raw.sock") + "\n"));
        assertThatThrownBy(() -> Ferry.start(config))
                .hasMessageContaining("cannot bind bind unix@" + file)
                .hasMessageContaining("a regular file is at " + file + ", and Ferry replaces only a socket file there");
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(Files.exists(dir.resolve("raw.sock"), LinkOption.NOFOLLOW_LINKS)).as("nothing left bound").isFalse();
    }

    @Test
    void ownerAndGroupAreSetByNameOrNumber() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        assumeTrue(Files.exists(Path.of("/etc/group")) && Files.readString(Path.of("/etc/group")).contains("\nnogroup:"),
                "a group named nogroup");
        Path named = dir.resolve("named.sock");
        Path numbered = dir.resolve("numbered.sock");
        ferry = Ferry.start(Configs.parse(config("    bind unix@" + named + " user nobody group nogroup mode 660\n",
                "    bind unix@" + numbered + " uid 65534 gid 65534\n")));
        PosixFileAttributes a = Files.readAttributes(named, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(a.owner().getName()).isEqualTo("nobody");
        assertThat(a.group().getName()).isEqualTo("nogroup");
        assertThat(Files.getAttribute(numbered, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
        assertThat(Files.getAttribute(numbered, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
        assertThat(get(named, "/n")).endsWith("o GET /n");
    }

    @Test
    void anUnknownUserFailsTheStart() {
        Path s = dir.resolve("s.sock");
        var config = Configs.parse(config("    bind unix@" + s + " user no-such-user-here\n",
                "    bind unix@" + dir.resolve("raw.sock") + "\n"));
        assertThatThrownBy(() -> Ferry.start(config)).hasMessageContaining("no user or group named 'no-such-user-here'");
        assertThat(Files.exists(s, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void fileOptionsApplyToUnixSocketsOnlyAndTcpOptionsToTcpOnly() {
        assertThat(errors("bind 127.0.0.1:0 mode 600")).contains("'mode' applies to unix sockets only");
        assertThat(errors("bind 127.0.0.1:0 user nobody")).contains("'user' applies to unix sockets only");
        assertThat(errors("bind 127.0.0.1:0 gid 5")).contains("'gid' applies to unix sockets only");
        assertThat(errors("bind unix@/run/x.sock tcp-ut 5s")).contains("'tcp-ut' applies to TCP sockets only");
        assertThat(errors("bind unix@/run/x.sock user a uid 3")).contains("owner is given twice ('user' and 'uid')");
        assertThat(errors("bind unix@/run/x.sock uid -1")).contains("test.cfg:3");
    }

    @Test
    void withoutANativeTransportUnixListenersAreRefused() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind unix@/run/www.sock mode 660
                    default_backend app
                backend app
                    server s1 127.0.0.1:8080
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.EPOLL)).isEmpty();
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.IO_URING)).isEmpty();
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).containsExactly(
                "test.cfg:7: 'bind unix@/run/www.sock' (frontend www) is not implemented yet: Ferry's runtime has no "
                        + "unix socket listeners without a native transport (Ferry's unix sockets are Netty's io_uring "
                        + "or epoll channels; listen on an ADDRESS:PORT) so far");
    }

    private static String errors(String bindLine) {
        LoadResult r = ConfigLoader.builder().build().loadText("test.cfg",
                "frontend www\n    mode http\n    " + bindLine + "\n");
        return r.errors().toString();
    }

    private static Object key(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
