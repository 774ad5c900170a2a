package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@code disabled} proxies are not started, as in HAProxy: no listener, and 503 for requests routed to a backend. */
class DisabledProxyTest extends OriginFerryTestBase {

    @Test
    void aDisabledFrontendDoesNotListenAndADisabledBackendAnswers503() throws Exception {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    use_backend off if { path /off }
                    default_backend app
                frontend quiet
                    disabled
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                    server s1 %1$s
                backend off
                    disabled
                    server s1 %1$s check
                """.formatted(origin.address())));
        assertThat(ferry.boundAddresses()).as("only the enabled frontend listens").hasSize(1);
        assertThat(ferry.notices()).contains(
                "frontend quiet (test.cfg:10) is disabled: it is not started",
                "backend off (test.cfg:16) is disabled: it is not started, and requests routed to it get 503");
        InetSocketAddress at = ferry.boundAddresses().get(0);
        try (RawClient raw = new RawClient(at)) {
            raw.send("GET /off HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        }
        try (RawClient raw = new RawClient(at)) {
            raw.send("GET /on HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).endsWith("o GET /on");
        }
        assertThat(origin.accepted()).as("the disabled backend's server is not checked").isEqualTo(1);
    }
}
