package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import io.ferry.testing.TestOrigin;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unix@/path} servers (an application server behind a unix socket, nginx → PHP-FPM style), in both modes. */
class UnixSocketServerTest extends FerryTestBase {

    @TempDir
    Path dir;

    @BeforeEach
    void needsEpoll() {
        assumeTrue(io.ferry.net.Transport.select().supportsUnixSockets(), "unix socket servers need the epoll transport");
    }

    @Test
    void httpAndTcpProxiesReachAServerOnAUnixSocket() throws Exception {
        Path socket = dir.resolve("app.sock");
        TestOrigin app = TestOrigin.startUnix("u", socket);
        resources.add(app);
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server s1 unix@%1$s
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    server s1 unix@%1$s
                """.formatted(socket)));
        InetSocketAddress http = ferry.boundAddresses().get(0);
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort()
                    + "/x" + i)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("u GET /x" + i);
        }
        assertThat(app.accepted()).as("the unix connection was kept and reused").isEqualTo(1);

        try (RawClient raw = new RawClient(ferry.boundAddresses().get(1))) {
            raw.send("GET /tcp HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 200 OK").endsWith("u GET /tcp");
        }
    }

    @Test
    void aServerWhoseSocketIsMissingGets503() throws Exception {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    retries 0
                    server s1 unix@%s
                """.formatted(dir.resolve("missing.sock"))));
        try (RawClient raw = new RawClient(ferry.boundAddresses().get(0))) {
            raw.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        }
    }
}
