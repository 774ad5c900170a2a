package io.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.HttpLogLine;
import io.ferry.testing.RawClient;
import io.ferry.testing.SyslogReceiver;
import io.ferry.testing.TestOrigin;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** What the access log says of streams the admin package touches: the exporter's answers and killed streams. */
class AdminAccessLogTest extends AdminTestBase {

    private final SyslogReceiver syslog = new SyslogReceiver();
    private final TestOrigin origin = TestOrigin.start("o");

    AdminAccessLogTest() throws Exception {
        resources.add(origin);
        resources.add(syslog);
    }

    private void start() {
        ferry = Ferry.start(Configs.parse("""
                global
                    log %s format raw local0
                    stats socket 127.0.0.1:0 level admin
                defaults
                    mode http
                    log global
                    option httplog
                    timeout client 10s
                    timeout server 10s
                    timeout connect 2s
                frontend fe
                    bind 127.0.0.1:0
                    http-request use-service prometheus-exporter if { path /metrics }
                    default_backend be
                backend be
                    stats uri /stats
                    stats auth admin:secret
                    server s1 127.0.0.1:%d
                """.formatted(syslog.address(), origin.port())));
    }

    private String cli(String line) throws Exception {
        return cli(ferry.serviceAddresses().get(0), line);
    }

    @Test
    void theExportersAnswersAreLoggedAsHaproxyLogsThem() throws Exception {
        start();
        try (RawClient c = new RawClient(ferry.boundAddresses().get(0))) {
            c.send("GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertThat(c.readAll()).startsWith("HTTP/1.1 200 OK\r\n");
        }
        HttpLogLine l = HttpLogLine.parse(syslog.next(5000));
        assertThat(l.frontend()).isEqualTo("fe");
        assertThat(l.backend()).isEqualTo("fe");
        assertThat(l.server()).isEqualTo("<PROMEX>");
        assertThat(l.status()).isEqualTo(200);
        assertThat(l.termination()).isEqualTo("LR--");
        assertThat(l.tw()).isZero();
        assertThat(l.tc()).isZero();
        assertThat(l.tr()).isZero();
        assertThat(l.bytes()).isPositive();
        assertThat(l.request()).isEqualTo("GET /metrics HTTP/1.1");
    }

    @Test
    void theStatsPageIsLoggedWithTheProxyWhosePageItIsAndItsStatus() throws Exception {
        start();
        try (RawClient c = new RawClient(ferry.boundAddresses().get(0))) {
            c.send("GET /stats;csv HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertThat(c.readAll()).startsWith("HTTP/1.1 401 Unauthorized\r\n");
        }
        HttpLogLine l = HttpLogLine.parse(syslog.next(5000));
        assertThat(l.frontend()).isEqualTo("fe");
        assertThat(l.backend()).isEqualTo("be");
        assertThat(l.server()).isEqualTo("<STATS>");
        assertThat(l.status()).isEqualTo(401);
        assertThat(l.termination()).isEqualTo("LR--");
        assertThat(l.request()).isEqualTo("GET /stats;csv HTTP/1.1");
    }

    @Test
    void aStreamShutDownByTheAdministratorIsLoggedWithK() throws Exception {
        start();
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        try (RawClient c = new RawClient(addr)) {
            c.send("GET /delay/8000 HTTP/1.1\r\nHost: a\r\n\r\n");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cli("show sess").contains(" srv=s1 "));
            String line = cli("show sess");
            String id = line.substring(0, line.indexOf(':'));
            assertThat(cli("shutdown session " + id)).isEqualTo("\n");
            assertThat(c.closedByPeer()).isTrue();
        }
        HttpLogLine l = HttpLogLine.parse(syslog.next(5000));
        assertThat(l.termination()).isEqualTo("KH--");
        assertThat(l.server()).isEqualTo("s1");
    }
}
