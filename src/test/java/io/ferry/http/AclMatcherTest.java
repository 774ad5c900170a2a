package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Acl;
import io.ferry.config.Config;
import io.ferry.config.Proxy;
import io.ferry.testing.Configs;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** ACL criteria, match methods and conditions against real requests, written as configuration. */
class AclMatcherTest {

    private static Acl.Condition condition(String acls, String cond) {
        Config c = Configs.parse("""
                frontend f
                    mode http
                    bind 127.0.0.1:0
                %s
                    use_backend b %s
                backend b
                    mode http
                    server s 127.0.0.1:1
                """.formatted(acls, cond));
        Proxy f = c.frontend("f").orElseThrow();
        return f.useBackends().get(0).condition();
    }

    private static RequestSample request(HttpMethod method, String uri, HttpVersion version, String... headers) {
        HttpRequest r = new DefaultHttpRequest(version, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return new RequestSample(r, new InetSocketAddress("10.1.2.3", 40000), new InetSocketAddress("127.0.0.1", 8080));
    }

    private static RequestSample get(String uri, String... headers) {
        return request(HttpMethod.GET, uri, HttpVersion.HTTP_1_1, headers);
    }

    private static boolean test(String acls, String cond, RequestSample s) {
        return AclMatcher.test(condition(acls, cond), s);
    }

    @Test
    void pathCriteria() {
        RequestSample s = get("/static/img/logo.png?v=3");
        assertThat(test("    acl a path_beg /static", "if a", s)).isTrue();
        assertThat(test("    acl a path_end .png .jpg", "if a", s)).isTrue();
        assertThat(test("    acl a path_sub img/", "if a", s)).isTrue();
        assertThat(test("    acl a path_reg ^/static/.*\\.png$", "if a", s)).isTrue();
        assertThat(test("    acl a path /static/img/logo.png", "if a", s)).isTrue();
        assertThat(test("    acl a path_dir img", "if a", s)).isTrue();
        assertThat(test("    acl a path_beg /api", "if a", s)).isFalse();
        assertThat(test("    acl a url_beg /static/img/logo.png?", "if a", s)).isTrue();
        assertThat(test("    acl a url_param(v) 3", "if a", s)).isTrue();
        assertThat(test("    acl a path_len 20", "if a", s)).isTrue();
    }

    @Test
    void absoluteFormUriHasAPathToo() {
        assertThat(test("    acl a path /x", "if a", get("http://example.com/x?q"))).isTrue();
    }

    @Test
    void headerCriteriaAndFlags() {
        RequestSample s = get("/", "Host", "WWW.Example.com:8080", "X-List", "a, b,c", "Accept", "text/html");
        assertThat(test("    acl h hdr(host) -i www.example.com:8080", "if h", s)).isTrue();
        assertThat(test("    acl h hdr(host) www.example.com:8080", "if h", s)).isFalse();
        assertThat(test("    acl h hdr_dom(host) -i example", "if h", s)).isTrue();
        assertThat(test("    acl h hdr_beg(host) -i www.", "if h", s)).isTrue();
        assertThat(test("    acl h req.hdr_end(host) :8080", "if h", s)).isTrue();
        assertThat(test("    acl h hdr(x-list) b", "if h", s)).isTrue();
        assertThat(test("    acl h hdr_cnt(x-list) 3", "if h", s)).isTrue();
        assertThat(test("    acl h hdr(x-missing) -m found", "if h", s)).isFalse();
        assertThat(test("    acl h hdr(accept) -m found", "if h", s)).isTrue();
        assertThat(test("    acl h hdr(host),lower -m beg www.example", "if h", s)).isTrue();
        assertThat(test("    acl h base -i www.example.com:8080/", "if h", s)).isTrue();
    }

    @Test
    void addressesPortsMethodsAndVersions() {
        RequestSample s = request(HttpMethod.POST, "/", HttpVersion.HTTP_1_0);
        assertThat(test("    acl n src 10.0.0.0/8", "if n", s)).isTrue();
        assertThat(test("    acl n src 192.168.0.0/16 ::1", "if n", s)).isFalse();
        assertThat(test("    acl n dst_port 8080", "if n", s)).isTrue();
        assertThat(test("    acl n dst_port 1:1024", "if n", s)).isFalse();
        assertThat(test("", "if METH_POST HTTP_1.0", s)).isTrue();
        assertThat(test("", "if METH_GET || HTTP_1.1", s)).isFalse();
        assertThat(test("", "if LOCALHOST", s)).isFalse();
        assertThat(test("", "if TRUE", s)).isTrue();
        assertThat(test("", "unless FALSE", s)).isTrue();
    }

    @Test
    void negationImplicitAndOrAndAnonymousConditions() {
        RequestSample s = get("/api/v1", "Host", "a.example");
        String acls = "    acl api path_beg /api\n    acl host_a hdr(host) a.example\n";
        assertThat(test(acls, "if api host_a", s)).isTrue();
        assertThat(test(acls, "if api !host_a", s)).isFalse();
        assertThat(test(acls, "if !api || host_a", s)).isTrue();
        assertThat(test(acls, "unless api", s)).isFalse();
        assertThat(test(acls, "if { path_beg /api/v1 } { hdr(host) a.example }", s)).isTrue();
        assertThat(test("    acl x path_beg /nope\n    acl x path_beg /api", "if x", s)).as("lines OR-ed").isTrue();
    }
}
