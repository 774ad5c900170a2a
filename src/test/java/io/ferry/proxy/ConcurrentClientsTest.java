package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** 200 clients at once, each on its own connection, on mixed routes: every answer right, no error. */
class ConcurrentClientsTest {

    @Test
    void twoHundredConcurrentClientsOnMixedRoutes() throws Exception {
        try (TestOrigin api = TestOrigin.start("api"); TestOrigin web1 = TestOrigin.start("web1");
             TestOrigin web2 = TestOrigin.start("web2");
             Ferry ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                     frontend www
                         bind 127.0.0.1:0
                         bind [::1]:0
                         use_backend api if { path_beg /api } || { hdr(x-api) 1 }
                         default_backend web
                     backend api
                         server a1 %s
                     backend web
                         server w1 %s
                         server w2 %s
                     """.formatted(api.address(), web1.address(), web2.address())));
        ) {
            ExecutorService pool = Executors.newFixedThreadPool(200);
            int v4 = ferry.boundAddresses().get(0).getPort();
            int v6 = ferry.boundAddresses().get(1).getPort();
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                results.add(CompletableFuture.supplyAsync(() -> exchange(n, n % 2 == 0 ? "127.0.0.1:" + v4
                        : "[::1]:" + v6), pool));
            }
            for (int i = 0; i < 200; i++) {
                String body = results.get(i).get(60, TimeUnit.SECONDS);
                switch (i % 4) {
                    case 0 -> assertThat(body).isEqualTo("api GET /api/item/" + i + "/0");
                    case 1 -> assertThat(body).matches("web[12] GET /page/" + i + "/0");
                    case 2 -> assertThat(body).isEqualTo("x".repeat(100_000));
                    default -> assertThat(body).isEqualTo("payload-" + i);
                }
            }
            assertThat(api.requests() + web1.requests() + web2.requests()).isEqualTo(200 * 5);
            assertThat(web1.requests()).isPositive();
            assertThat(web2.requests()).isPositive();
            // Each client asked to close with its last request.
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> ferry.openClientConnections() == 0);
            pool.shutdown();
        }
    }

    /** One client: its own connection, five requests on it, the last with close; returns the first answer's body. */
    private static String exchange(int n, String authority) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            String first = null;
            for (int k = 0; k < 5; k++) {
                HttpRequest.Builder b = switch (n % 4) {
                    case 0 -> HttpRequest.newBuilder(URI.create("http://" + authority + "/api/item/" + n + "/" + k));
                    case 1 -> HttpRequest.newBuilder(URI.create("http://" + authority + "/page/" + n + "/" + k));
                    case 2 -> HttpRequest.newBuilder(URI.create("http://" + authority + "/bytes?n=100000"));
                    default -> HttpRequest.newBuilder(URI.create("http://" + authority + "/echo"))
                            .header("x-api", "1")
                            .POST(HttpRequest.BodyPublishers.ofString("payload-" + n));
                };
                if (k == 4) {
                    b.header("connection", "close");
                }
                HttpRequest request = b.build();
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new AssertionError("client " + n + " request " + k + ": status " + r.statusCode());
                }
                first = first == null ? r.body() : first;
            }
            return first;
        } catch (Exception e) {
            throw new IllegalStateException("client " + n, e);
        }
    }
}
