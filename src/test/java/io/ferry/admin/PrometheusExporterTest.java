package io.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.TestOrigin;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_5.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code http-request use-service prometheus-exporter}: HAProxy's metric names, read back with the client library's parser. */
class PrometheusExporterTest extends AdminTestBase {

    private static final String PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<byte[]> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + ferry.boundAddresses().get(0).getPort() + path)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The families of a protobuf answer, by name, parsed by the Prometheus client's own classes. */
    private static Map<String, Metrics.MetricFamily> parse(byte[] body) throws Exception {
        Map<String, Metrics.MetricFamily> out = new HashMap<>();
        InputStream in = new ByteArrayInputStream(body);
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            out.put(f.getName(), f);
        }
        return out;
    }

    /** The value of the point of {@code family} whose labels include {@code labels}. */
    private static double value(Map<String, Metrics.MetricFamily> families, String family, String... labels) {
        Metrics.MetricFamily f = families.get(family);
        assertThat(f).as(family).isNotNull();
        for (Metrics.Metric m : f.getMetricList()) {
            Map<String, String> l = new HashMap<>();
            m.getLabelList().forEach(p -> l.put(p.getName(), p.getValue()));
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) {
                match &= labels[i + 1].equals(l.get(labels[i]));
            }
            if (match) {
                return f.getType() == Metrics.MetricType.COUNTER ? m.getCounter().getValue() : m.getGauge().getValue();
            }
        }
        throw new AssertionError("no point " + List.of(labels) + " in " + f);
    }

    @Test
    void exportsHaproxyMetricNamesAndFerrysConnectionStates() throws Exception {
        TestOrigin origin = TestOrigin.start("o");
        resources.add(origin);
        ServerSocket server = tcpServer(s -> { });
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:0
                    http-request use-service prometheus-exporter if { path /metrics }
                    default_backend be
                backend be
                    server s1 127.0.0.1:%d
                listen raw
                    mode tcp
                    bind 127.0.0.1:0
                    server t1 127.0.0.1:%d
                """.formatted(origin.port(), server.getLocalPort())));
        for (int i = 0; i < 3; i++) {
            assertThat(get("/x", null).statusCode()).isEqualTo(200);
        }
        assertThat(get("/status/503", null).statusCode()).isEqualTo(503);
        Socket tunnel = new Socket();
        resources.add(tunnel);
        tunnel.connect(ferry.boundAddresses().get(1), 5000);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                value(parse(get("/metrics", PROTOBUF).body()), "ferry_frontend_connections", "proxy", "raw",
                        "state", "tunnel") == 1);

        HttpResponse<byte[]> r = get("/metrics", PROTOBUF);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.google.protobuf; "
                + "proto=io.prometheus.client.MetricFamily; encoding=delimited");
        Map<String, Metrics.MetricFamily> m = parse(r.body());
        // The requests before, and the scrapes themselves (answered by Ferry: 2xx on the frontend only).
        double requests = value(m, "haproxy_frontend_http_requests_total", "proxy", "fe");
        assertThat(requests).isGreaterThanOrEqualTo(5);
        assertThat(m.get("haproxy_frontend_http_requests_total").getType()).isEqualTo(Metrics.MetricType.COUNTER);
        assertThat(value(m, "haproxy_backend_http_requests_total", "proxy", "be")).isEqualTo(4);
        assertThat(value(m, "haproxy_backend_http_responses_total", "proxy", "be", "code", "5xx")).isEqualTo(1);
        assertThat(value(m, "haproxy_server_http_responses_total", "proxy", "be", "server", "s1", "code", "2xx"))
                .isEqualTo(3);
        assertThat(value(m, "haproxy_server_loadbalanced_total", "proxy", "be", "server", "s1")).isEqualTo(4);
        assertThat(value(m, "haproxy_server_status", "proxy", "be", "server", "s1", "state", "UP")).isEqualTo(1);
        assertThat(value(m, "haproxy_server_status", "proxy", "be", "server", "s1", "state", "MAINT")).isEqualTo(0);
        assertThat(value(m, "haproxy_frontend_current_sessions", "proxy", "raw")).isEqualTo(1);
        assertThat(m.get("haproxy_frontend_current_sessions").getType()).isEqualTo(Metrics.MetricType.GAUGE);
        assertThat(value(m, "ferry_backend_connections", "proxy", "raw", "state", "tunnel")).isEqualTo(1);
        assertThat(value(m, "ferry_frontend_connections", "proxy", "raw", "state", "half-closed-client")).isZero();
        assertThat(value(m, "haproxy_process_connections_total")).isGreaterThanOrEqualTo(2);
        assertThat(m).doesNotContainKeys("haproxy_frontend_http_requests_rate_max", "haproxy_server_check_failures_total");

        // The text format by default, as HAProxy's exporter answers.
        HttpResponse<byte[]> text = get("/metrics", null);
        assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String body = new String(text.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).contains("# TYPE haproxy_frontend_current_sessions gauge\n",
                "haproxy_backend_http_requests_total{proxy=\"be\"} 4.0\n",
                "haproxy_server_status{proxy=\"be\",server=\"s1\",state=\"UP\"} 1.0\n");
        // Other paths still go to the backend.
        assertThat(new String(get("/y", null).body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("o GET /y");
    }
}
