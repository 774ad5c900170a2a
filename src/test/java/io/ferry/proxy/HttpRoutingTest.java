package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpRoutingTest {

    private TestOrigin api;
    private TestOrigin web;
    private TestOrigin admin;
    private Ferry ferry;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        api = TestOrigin.start("api");
        web = TestOrigin.start("web");
        admin = TestOrigin.start("admin");
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    acl is_api path_beg /api
                    acl admin_host hdr(host) -i admin.example.com
                    acl beta hdr_sub(x-flags) beta
                    use_backend admin if admin_host
                    use_backend api if is_api || beta
                    use_backend api if { url_param(v) -m str 2 } METH_POST
                    default_backend web
                backend api
                    server a1 %s
                backend web
                    server w1 %s
                backend admin
                    server ad1 %s
                """.formatted(api.address(), web.address(), admin.address())));
    }

    @AfterEach
    void stop() {
        ferry.close();
        api.close();
        web.close();
        admin.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + ferry.boundAddresses().get(0).getPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesByPathHeaderAndHost() throws Exception {
        assertThat(get("/api/users").body()).isEqualTo("api GET /api/users");
        assertThat(get("/index.html").body()).isEqualTo("web GET /index.html");
        assertThat(get("/x", "x-flags", "alpha,beta-2").body()).isEqualTo("api GET /x");
        assertThat(get("/api/users", "host", "ADMIN.example.com").body()).isEqualTo("admin GET /api/users");
    }

    @Test
    void routesByUrlParamAndMethod() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + ferry.boundAddresses().get(0).getPort() + "/p?v=2")).POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.body()).isEqualTo("api POST /p?v=2");
        assertThat(get("/p?v=2").body()).isEqualTo("web GET /p?v=2");
    }
}
