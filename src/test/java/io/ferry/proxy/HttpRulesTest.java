package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.RawClient;
import io.ferry.testing.TestOrigin;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http-request} and {@code http-response} rules, {@code option forwardfor} and
 * {@code errorfile} through real sockets: the origin records the request heads it received, a raw
 * client reads exactly what Ferry answered.
 */
class HttpRulesTest extends OriginFerryTestBase {

    @TempDir
    Path dir;

    private InetSocketAddress start(String config) {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + config.replace("ORIGIN", origin.address())));
        return ferry.boundAddresses().get(0);
    }

    /** Sends one request with {@code Connection: close} and returns the whole answer. */
    private static String exchange(InetSocketAddress at, String requestLine, String... headers) throws Exception {
        try (RawClient raw = new RawClient(at)) {
            raw.send(requestLine + "\r\nHost: h.example\r\n" + String.join("", List.of(headers).stream()
                    .map(h -> h + "\r\n").toList()) + "Connection: close\r\n\r\n");
            return raw.readAll();
        }
    }

    private HttpRequest lastSeen() {
        List<HttpRequest> seen = origin.seen();
        assertThat(seen).isNotEmpty();
        return seen.get(seen.size() - 1);
    }

    @Test
    void requestHeaderAndUriActionsChangeWhatTheServerReceives() throws Exception {
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    http-request set-header X-Set "a  %[req.hdr(x-missing)]  b"
                    http-request add-header X-Multi one
                    http-request add-header X-Multi "%[src] %ci %f %b %HM %[hdr(host),upper]"
                    http-request del-header X-Secret
                    http-request replace-header X-Rep (ab)c x\\1y
                    http-request set-path /new%[path] if { path_beg /old }
                    http-request set-query v=%[url_param(q)] if { url_param(q) -m found }
                    http-request set-uri /whole?x=1 if { path /uri }
                    default_backend app
                backend app
                    server s1 ORIGIN
                """);
        String r = exchange(at, "GET /old/p?q=7 HTTP/1.1", "X-Secret: s", "X-Multi: zero", "X-Rep: abc, zzz");
        assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("o GET /new/old/p?v=7");
        HttpRequest seen = lastSeen();
        assertThat(seen.uri()).isEqualTo("/new/old/p?v=7");
        assertThat(seen.headers().get("x-set")).isEqualTo("a    b");
        assertThat(seen.headers().getAll("x-multi")).containsExactly("zero", "one",
                "127.0.0.1 127.0.0.1 www www GET H.EXAMPLE");
        assertThat(seen.headers().contains("x-secret")).isFalse();
        // As in HAProxy: the whole value is replaced when the regex matches in it.
        assertThat(seen.headers().getAll("x-rep")).containsExactly("xaby");

        exchange(at, "GET /uri?y=2 HTTP/1.1");
        assertThat(lastSeen().uri()).isEqualTo("/whole?x=1");
    }

    @Test
    void denyReturnAndRedirectAnswerWithHaproxysBytesAndKeepTheConnection() throws Exception {
        Path file = dir.resolve("page.txt");
        Files.writeString(file, "from a file\n");
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    http-request deny if { path /deny }
                    http-request deny deny_status 429 if { path /slow }
                    http-request return status 201 content-type text/plain string hello if { path /ret }
                    http-request return content-type text/plain file FILE if { path /file }
                    http-request return status 200 content-type text/plain lf-string "you are %[src]" if { path /lf }
                    http-request redirect location /elsewhere if { path /loc }
                    http-request redirect prefix /v2 code 301 if { path_beg /p/ }
                    http-request redirect prefix / drop-query append-slash if { path_beg /q/ }
                    http-request redirect scheme https if { path_beg /s }
                    default_backend app
                backend app
                    server s1 ORIGIN
                """.replace("FILE", file.toString()));
        assertThat(exchange(at, "GET /deny HTTP/1.1")).isEqualTo("HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\n"
                + "cache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n"
                + "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n");
        assertThat(exchange(at, "GET /slow HTTP/1.1")).startsWith("HTTP/1.1 429 Too Many Requests\r\ncontent-length: 117\r\n")
                .endsWith("You have sent too many requests in a given amount of time.\n</body></html>\n");
        assertThat(exchange(at, "GET /ret HTTP/1.1")).isEqualTo("HTTP/1.1 201 Created\r\ncontent-length: 5\r\n"
                + "content-type: text/plain\r\nconnection: close\r\n\r\nhello");
        assertThat(exchange(at, "GET /file HTTP/1.1")).endsWith("content-length: 12\r\ncontent-type: text/plain\r\n"
                + "connection: close\r\n\r\nfrom a file\n");
        assertThat(exchange(at, "GET /lf HTTP/1.1")).endsWith("\r\n\r\nyou are 127.0.0.1");
        assertThat(exchange(at, "GET /loc HTTP/1.1")).isEqualTo("HTTP/1.1 302 Found\r\ncontent-length: 0\r\n"
                + "location: /elsewhere\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n");
        assertThat(exchange(at, "GET /p/x?y=1 HTTP/1.1")).startsWith("HTTP/1.1 301 Moved Permanently\r\n")
                .contains("location: /v2/p/x?y=1\r\n");
        assertThat(exchange(at, "GET /q/x?y=1 HTTP/1.1")).contains("location: /q/x/\r\n");
        assertThat(exchange(at, "GET /s/a?b HTTP/1.1")).isEqualTo("HTTP/1.1 302 Found\r\ncontent-length: 0\r\n"
                + "location: https://h.example/s/a?b\r\nconnection: close\r\n\r\n");
        assertThat(origin.requests()).as("nothing reached the server").isZero();

        // A deny keeps a kept-alive connection: the next request on it is served.
        try (RawClient raw = new RawClient(at)) {
            raw.send("GET /deny HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            String both = raw.readAll();
            assertThat(both).startsWith("HTTP/1.1 403 Forbidden\r\n").doesNotContain("connection: close\r\n\r\n<html>")
                    .endsWith("o GET /ok");
        }
    }

    @Test
    void aDeniedRequestWhoseBodyIsStillComingClosesTheConnectionAfterTheAnswer() throws Exception {
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    http-request deny if { method POST }
                    default_backend app
                backend app
                    server s1 ORIGIN
                """);
        try (RawClient raw = new RawClient(at)) {
            raw.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\npartial");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("connection: close\r\n");
        }
        assertThat(origin.requests()).isZero();
    }

    @Test
    void frontendRulesRunBeforeRoutingAndTheBackendsAfterAllowStopsOnlyItsOwnList() throws Exception {
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    http-request set-header X-Route api if { path_beg /api }
                    http-request allow if { path /api/free }
                    http-request set-header X-Fe seen
                    http-request deny if { path /api/first }
                    use_backend api if { req.hdr(x-route) api }
                    default_backend app
                backend api
                    http-request set-header X-Be "%b saw %[req.hdr(x-fe)]"
                    http-request deny deny_status 404 if { path_beg /api/first } || { path /api/be }
                    server s1 ORIGIN
                backend app
                    server s1 ORIGIN
                """);
        exchange(at, "GET /api/x HTTP/1.1");
        assertThat(lastSeen().headers().get("x-be")).as("routed by a header a rule set").isEqualTo("api saw seen");
        exchange(at, "GET /api/free HTTP/1.1");
        assertThat(lastSeen().headers().contains("x-fe")).as("allow skipped the rest of the frontend's rules").isFalse();
        assertThat(lastSeen().headers().get("x-be")).as("but not the backend's").as("trailing spaces are not part of a value").isEqualTo("api saw");
        assertThat(exchange(at, "GET /api/first HTTP/1.1")).as("the frontend's deny comes first")
                .startsWith("HTTP/1.1 403 ");
        assertThat(exchange(at, "GET /api/be HTTP/1.1")).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(exchange(at, "GET /other HTTP/1.1")).endsWith("o GET /other");
        assertThat(lastSeen().headers().contains("x-be")).isFalse();
    }

    @Test
    void responseRulesRunBackendFirstAndDenyGives502() throws Exception {
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    http-response add-header X-Seq fe
                    http-response set-header X-Status "%ST from %[hdr(x-origin)] for %[path]"
                    http-response del-header X-Request-Headers
                    default_backend app
                backend app
                    http-response add-header X-Seq be
                    http-response deny if { path /secret }
                    http-response deny deny_status 500 if { hdr(x-origin) o } { path /err }
                    http-response replace-header X-Origin (o) origin-\\1
                    server s1 ORIGIN
                """);
        String r = exchange(at, "GET /x HTTP/1.1");
        assertThat(r).contains("x-origin: origin-o\r\n", "x-seq: be\r\n", "x-seq: fe\r\n",
                "x-status: 200 from origin-o for /x\r\n").doesNotContain("x-request-headers");
        assertThat(r.indexOf("x-seq: be")).as("the backend's rules first").isLessThan(r.indexOf("x-seq: fe"));
        assertThat(exchange(at, "GET /secret HTTP/1.1")).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                .doesNotContain("x-seq");
        assertThat(exchange(at, "GET /err HTTP/1.1")).startsWith("HTTP/1.1 500 Internal Server Error\r\n");
    }

    @Test
    void anUpgradeRequestAndIts101PassThroughTheRules() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> seenHead = new java.util.concurrent.atomic.AtomicReference<>();
        io.ferry.testing.ScriptedServer ws = new io.ferry.testing.ScriptedServer((head, in, out) -> {
            seenHead.set(head);
            io.ferry.testing.ScriptedServer.write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
            in.transferTo(out);
        });
        try (ws) {
            InetSocketAddress at = start("""
                    frontend www
                        bind 127.0.0.1:0
                        http-request set-header X-Client %[src]
                        http-response set-header X-Tunnel "%ST"
                        default_backend app
                    backend app
                        server s1 WS
                    """.replace("WS", ws.address()));
            try (RawClient raw = new RawClient(at)) {
                raw.send("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                String head = raw.readUntil("\r\n\r\n", 1);
                assertThat(head).startsWith("HTTP/1.1 101 ").containsIgnoringCase("upgrade: websocket\r\n")
                        .contains("x-tunnel: 101\r\n");
                raw.send("ping");
                assertThat(raw.readUntil("ping", 1)).endsWith("ping");
            }
            assertThat(seenHead.get()).containsIgnoringCase("upgrade: websocket").contains("x-client: 127.0.0.1");
        }
    }

    @Test
    void forwardforAppendsAHeaderLineAsHaproxyDoes() throws Exception {
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    option forwardfor
                    use_backend ifnone if { path /ifnone }
                    use_backend except if { path /except }
                    use_backend named if { path /named }
                    default_backend app
                backend app
                    server s1 ORIGIN
                backend ifnone
                    option forwardfor if-none
                    server s1 ORIGIN
                backend except
                    option forwardfor except 127.0.0.0/8
                    server s1 ORIGIN
                backend named
                    option forwardfor header X-Client
                    server s1 ORIGIN
                listen only_if_none
                    bind 127.0.0.1:0
                    option forwardfor if-none
                    server s1 ORIGIN
                """);
        exchange(at, "GET / HTTP/1.1", "X-Forwarded-For: 10.0.0.1");
        assertThat(lastSeen().headers().getAll("x-forwarded-for")).containsExactly("10.0.0.1", "127.0.0.1");
        exchange(at, "GET /ifnone HTTP/1.1", "X-Forwarded-For: 10.0.0.1");
        assertThat(lastSeen().headers().getAll("x-forwarded-for")).as("the frontend adds it always")
                .containsExactly("10.0.0.1", "127.0.0.1");
        exchange(at, "GET /except HTTP/1.1");
        assertThat(lastSeen().headers().contains("x-forwarded-for")).isFalse();
        exchange(at, "GET /named HTTP/1.1");
        assertThat(lastSeen().headers().get("x-client")).isEqualTo("127.0.0.1");
        assertThat(lastSeen().headers().contains("x-forwarded-for")).isFalse();

        InetSocketAddress listen = ferry.boundAddresses().get(1);
        exchange(listen, "GET / HTTP/1.1", "X-Forwarded-For: 10.0.0.1");
        assertThat(lastSeen().headers().getAll("x-forwarded-for")).containsExactly("10.0.0.1");
        exchange(listen, "GET / HTTP/1.1");
        assertThat(lastSeen().headers().getAll("x-forwarded-for")).containsExactly("127.0.0.1");
    }

    @Test
    void errorfilesReplaceBuiltInPagesBackendFirst() throws Exception {
        Path fe403 = dir.resolve("403.http");
        Files.writeString(fe403, "HTTP/1.1 403 Go Away\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnope");
        Path be503 = dir.resolve("503.http");
        Files.writeString(be503, "HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\n"
                + "Content-Type: text/html\r\n\r\n<html>my 503</html>\n");
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        InetSocketAddress at = start("""
                frontend www
                    bind 127.0.0.1:0
                    errorfile 403 FE403
                    http-request deny if { path /deny }
                    use_backend down if { path /down }
                    use_backend quiet if { path /quiet }
                    default_backend app
                backend app
                    server s1 ORIGIN
                backend down
                    errorfile 503 BE503
                    server s1 ORIGIN disabled
                backend quiet
                    errorfile 403 EMPTY
                    http-request deny
                    server s1 ORIGIN
                """.replace("FE403", fe403.toString()).replace("BE503", be503.toString())
                .replace("EMPTY", empty.toString()));
        try (RawClient raw = new RawClient(at)) {
            raw.send("GET /deny HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).as("a page with a length keeps the connection")
                    .startsWith("HTTP/1.1 403 Go Away\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\nnope")
                    .endsWith("o GET /ok");
        }
        try (RawClient raw = new RawClient(at)) {
            raw.send("GET /down HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(raw.readAll()).as("the backend's page, ended by the close as it has no length")
                    .isEqualTo("HTTP/1.0 503 Service Unavailable\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n"
                            + "\r\n<html>my 503</html>\n");
        }
        try (RawClient raw = new RawClient(at)) {
            raw.send("GET /quiet HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(raw.readAll()).as("an empty page: closed without an answer").isEmpty();
        }
    }

    @Test
    void valuesFerryCannotEvaluateAreRefusedAtStart() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    http-request set-header X-T %Tr
                    http-request set-header X-B %[hdr_beg(host)]
                    http-response set-header X-S %ST
                    http-request set-header X-S %ST
                    http-request auth if { path /a }
                    http-request use-service prometheus-exporter if { path /m }
                    default_backend app
                backend app
                    server s1 127.0.0.1:8080
                """);
        assertThat(RuntimeSupport.problems(config, io.ferry.net.Transport.NIO)).satisfiesExactly(
                m -> assertThat(m).startsWith("test.cfg:8: 'http-request set-header' (frontend www) cannot be evaluated "
                        + "by Ferry: the log-format variable '%Tr' has no value while a rule runs"),
                m -> assertThat(m).startsWith("test.cfg:9: 'http-request set-header' (frontend www) cannot be evaluated "
                        + "by Ferry: '%[hdr_beg(host)]' is an ACL matching form, not a value"),
                m -> assertThat(m).startsWith("test.cfg:11: 'http-request set-header' (frontend www) cannot be "
                        + "evaluated by Ferry: the log-format variable '%ST'"),
                m -> assertThat(m).isEqualTo("test.cfg:12: 'http-request auth' (frontend www) is not implemented yet: "
                        + "Ferry's runtime has no HTTP authentication (userlists) so far"),
                m -> assertThat(m).isEqualTo("test.cfg:13: 'http-request use-service' (frontend www) is not implemented "
                        + "yet: Ferry's runtime has no use-service rules in a backend, in mode tcp, or beside other "
                        + "request rules so far"));
    }
}
