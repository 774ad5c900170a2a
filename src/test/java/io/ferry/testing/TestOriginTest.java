package io.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TestOriginTest {

    @Test
    void answersAndCountsConnections() throws Exception {
        try (TestOrigin origin = TestOrigin.start("a")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + origin.address() + "/x?y=1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("a GET /x?y=1");
            HttpResponse<byte[]> bytes = client.send(HttpRequest.newBuilder(
                    URI.create("http://" + origin.address() + "/bytes?n=200000")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bytes.body()).hasSize(200000);
            HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create("http://" + origin.address() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).isEqualTo("hello");
            assertThat(origin.accepted()).isEqualTo(1);
            assertThat(origin.requests()).isEqualTo(3);
        }
    }
}
