package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code tune.sndbuf.*} and {@code tune.rcvbuf.*}, read back from the kernel ({@code ss -m}): Linux
 * doubles what it is given.
 */
class SocketBuffersTest extends FerryTestBase {

    private static final Pattern SOCKET = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+(\\S+):(\\d+)\\s+(\\S+):(\\d+)");
    private static final Pattern SKMEM = Pattern.compile("rb(\\d+),t\\d+,tb(\\d+)");

    /** A connected TCP socket's receive and send buffer sizes, by its local and remote ports. */
    private record Buffers(int localPort, int remotePort, long receive, long send) { }

    private static List<Buffers> established() throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tmnH", "state", "established").redirectErrorStream(true).start();
        String out;
        try (InputStream in = ss.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(ss.waitFor()).as(out).isZero();
        List<Buffers> found = new ArrayList<>();
        Matcher socket = null;
        for (String line : out.split("\n")) {
            Matcher s = SOCKET.matcher(line);
            Matcher m = SKMEM.matcher(line);
            if (s.find()) {
                socket = s;
            } else if (socket != null && m.find()) {
                found.add(new Buffers(Integer.parseInt(socket.group(2)), Integer.parseInt(socket.group(4)),
                        Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                socket = null;
            }
        }
        return found;
    }

    private static Buffers find(List<Buffers> all, int localPort, int remotePort) {
        return all.stream().filter(b -> b.localPort() == localPort && b.remotePort() == remotePort)
                .findFirst().orElseThrow(() -> new AssertionError("no socket " + localPort + " -> " + remotePort + " in " + all));
    }

    private Socket tunnel(String global) throws Exception {
        ScriptedServer echo = ScriptedServer.raw((head, in, out) -> in.transferTo(out));
        resources.add(echo);
        ferry = Ferry.start(Configs.parse(global + """
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                    server s1 %s
                """.formatted(echo.address())));
        Socket c = new Socket();
        resources.add(c);
        c.connect(ferry.boundAddresses().get(0));
        c.setSoTimeout(10000);
        c.getOutputStream().write('x');
        assertThat(c.getInputStream().read()).as("the tunnel is up both ways").isEqualTo('x');
        echoPort = echo.port();
        return c;
    }

    private int echoPort;

    @Test
    void bothSidesGetTheSizesAsked() throws Exception {
        Socket c = tunnel("""
                global
                    tune.sndbuf.client 4096
                    tune.rcvbuf.client 8192
                    tune.sndbuf.server 16384
                    tune.rcvbuf.server 32768
                """);
        List<Buffers> all = established();
        Buffers toClient = find(all, c.getPort(), c.getLocalPort());
        assertThat(toClient.send()).isEqualTo(8192);
        assertThat(toClient.receive()).isEqualTo(16384);
        Buffers toServer = all.stream().filter(b -> b.remotePort() == echoPort).findFirst().orElseThrow();
        assertThat(toServer.send()).isEqualTo(32768);
        assertThat(toServer.receive()).isEqualTo(65536);
    }
}
