package io.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.RawClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DemoSiteTest {

    private final DemoOrigins origins = DemoOrigins.start(Duration.ofSeconds(5));
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void close() {
        origins.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + origins.site().address().getPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootIsTheDemoPage() throws Exception {
        HttpResponse<String> r = get("/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).startsWith("<!DOCTYPE html>").contains("<script src=\"/demo.js\"></script>")
                .contains("id=\"open-silent\"").contains("id=\"ferry-stats\"");
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(r.body().getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(get("/index.html?x=1").body()).isEqualTo(r.body());
    }

    @Test
    void assetsHaveTheirContentTypes() throws Exception {
        assertThat(get("/demo.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/demo.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/favicon.svg").headers().firstValue("content-type")).hasValue("image/svg+xml");
        HttpResponse<String> silent = get("/silent.html");
        assertThat(silent.statusCode()).isEqualTo(200);
        assertThat(silent.body()).contains("new WebSocket(");
    }

    @Test
    void theSiteLinksOnlyToItsOwnFiles() throws Exception {
        // No external assets: the page works on a machine without Internet access.
        for (String path : DemoSite.TYPES.keySet()) {
            assertThat(get(path).body()).as(path)
                    .doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//")
                    .doesNotContainPattern("url\\(\\s*[\"']?(https?:)?//")
                    .doesNotContainPattern("@import");
        }
    }

    @Test
    void unknownPathIs404AndOtherMethods405() throws Exception {
        HttpResponse<String> missing = get("/nope.html");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("not found: /nope.html\n");

        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void headAnswersTheHeadersWithoutABodyAndKeepsTheConnection() throws Exception {
        int length = get("/demo.css").body().length();
        try (RawClient raw = new RawClient(origins.site().address())) {
            raw.send("HEAD /demo.css HTTP/1.1\r\nHost: demo\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: demo\r\n\r\n");
            String both = raw.readUntil("not found: /nope\n", 1);

            assertThat(both).startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: " + length + "\r\n");
            // The HEAD response has no body: the next response follows its blank line at once.
            assertThat(both).contains("\r\n\r\nHTTP/1.1 404 Not Found\r\n");
            raw.send("GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("</html>\n");
        }
    }
}
