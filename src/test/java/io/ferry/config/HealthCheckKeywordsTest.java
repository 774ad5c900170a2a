package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCheckKeywordsTest extends KeywordTestSupport {

    @Test
    void httpCheckSendAndExpectations() {
        Config c = load(HTTP_DEFAULTS + """
                backend b
                    option httpchk
                    http-check send meth GET uri /health ver HTTP/1.1 hdr Host example.com hdr X-A b body ping
                    http-check expect status 200-399,404
                    http-check expect ! rstring ^down
                    http-check expect string ok
                    http-check expect rstatus ^2
                    server s 127.0.0.1:8000 check
                """);
        HealthCheck h = backend(c, "b").healthCheck();
        assertThat(h.kind()).isEqualTo(HealthCheck.Kind.HTTP);
        assertThat(h.send().method()).isEqualTo("GET");
        assertThat(h.send().uri()).isEqualTo("/health");
        assertThat(h.send().version()).isEqualTo("HTTP/1.1");
        assertThat(h.send().headers()).hasSize(2);
        assertThat(h.send().headers().get(0)).containsExactly("Host", "example.com");
        assertThat(h.send().headers().get(1)).containsExactly("X-A", "b");
        assertThat(h.send().body()).isEqualTo("ping");
        List<HealthCheck.HttpExpect> e = h.expects();
        assertThat(e).extracting(HealthCheck.HttpExpect::kind).containsExactly(HealthCheck.HttpExpect.Kind.STATUS,
                HealthCheck.HttpExpect.Kind.RSTRING, HealthCheck.HttpExpect.Kind.STRING, HealthCheck.HttpExpect.Kind.RSTATUS);
        assertThat(e.get(0).statuses()).containsExactly(new Acl.IntRange(200, 399), new Acl.IntRange(404, 404));
        assertThat(e.get(0).negated()).isFalse();
        assertThat(e.get(1).negated()).isTrue();
        assertThat(e.get(1).regex().pattern()).isEqualTo("^down");
        assertThat(e.get(2).value()).isEqualTo("ok");
        assertThat(e.get(2).regex()).isNull();
        assertThat(e.get(3).location()).isEqualTo(new Location("t.cfg", 12));
    }

    @Test
    void ownRulesReplaceTheExpectationsOfDefaultsButKeepItsRequest() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", """
                defaults
                    option httpchk GET /ready
                    http-check expect status 200
                """) + """
                backend inherits
                    server s 127.0.0.1:8000 check
                backend own
                    http-check expect status 204
                    server s 127.0.0.1:8000 check
                """);
        HealthCheck inherits = backend(c, "inherits").healthCheck();
        assertThat(inherits.expects()).extracting(HealthCheck.HttpExpect::value).containsExactly("200");
        assertThat(inherits.send().uri()).isEqualTo("/ready");
        HealthCheck own = backend(c, "own").healthCheck();
        assertThat(own.expects()).extracting(HealthCheck.HttpExpect::value).containsExactly("204");
        assertThat(own.send().uri()).isEqualTo("/ready");
        assertThat(own.kind()).isEqualTo(HealthCheck.Kind.HTTP);
    }

    @Test
    void httpCheckErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    option httpchk
                    http-check expect status abc
                    http-check expect header x
                    http-check expect rstring (
                    http-check expect status 399-200
                    http-check send foo bar
                    http-check send hdr Host
                    http-check send ver HTTP/2
                    http-check expect ! status
                    http-check disable-on-404
                """)).containsExactly(
                "parsing [t.cfg:8] : 'http-check expect' : invalid character 'a' in the list of status codes 'abc'. "
                        + "Fix: write codes and ranges separated by commas, e.g. '200-399,404'",
                "parsing [t.cfg:9] : 'http-check expect' : only supports [!] status, rstatus, string or rstring but got "
                        + "'header' as argument. Fix: write it as: http-check expect [!] status|rstatus|string|rstring VALUE",
                "parsing [t.cfg:10] : 'http-check expect' : invalid regular expression '(': Unclosed group. "
                        + "Fix: fix the expression (Java regular expression syntax, compatible with PCRE for common use)",
                "parsing [t.cfg:11] : 'http-check expect' : invalid status range '399-200'. "
                        + "Fix: write the lower code first, e.g. '200-399'",
                "parsing [t.cfg:12] : 'http-check send' : expects 'meth', 'uri', 'ver', 'hdr' or 'body' but got 'foo' "
                        + "as argument. Fix: write it as: http-check send [meth METHOD] [uri URI] [ver VERSION] "
                        + "[hdr NAME VALUE]... [body TEXT]",
                "parsing [t.cfg:13] : 'http-check send' : 'hdr' expects a name and a value. Fix: write it as: "
                        + "http-check send [meth METHOD] [uri URI] [ver VERSION] [hdr NAME VALUE]... [body TEXT]",
                "parsing [t.cfg:14] : 'http-check send' : unsupported HTTP version 'HTTP/2' for health checks. "
                        + "Fix: use HTTP/1.0 or HTTP/1.1",
                "parsing [t.cfg:15] : 'http-check expect' : expects at least 3 arguments, got 2. "
                        + "Fix: write it as: http-check expect [!] status|rstatus|string|rstring VALUE",
                "parsing [t.cfg:16] : 'http-check disable-on-404' is an HAProxy keyword that Ferry does not support: "
                        + "a 404 answer to a check counts as a failure in Ferry. Fix: remove the line");
    }

    @Test
    void rulesWithoutTheirOptionAreWarnedAbout() {
        assertThat(warnings(HTTP_DEFAULTS + """
                backend b
                    http-check expect status 200
                    tcp-check send PING
                """)).containsExactly(
                "parsing [t.cfg:6] : 'backend' : backend 'b' uses http-check rules without 'option httpchk', so the "
                        + "rules are ignored. Fix: add 'option httpchk' to the section, or remove the rules",
                "parsing [t.cfg:6] : 'backend' : backend 'b' uses tcp-check rules without 'option tcp-check', so the "
                        + "rules are ignored. Fix: add 'option tcp-check' to the section, or remove the rules");
    }

    @Test
    void tcpCheckSteps() {
        Config c = load("""
                backend redis
                    mode tcp
                    option tcp-check
                    tcp-check connect port 6379
                    tcp-check send PING\\r\\n
                    tcp-check expect string +PONG
                    tcp-check send-binary 0d0A
                    tcp-check expect ! rstring ^-ERR
                    tcp-check expect binary 4f4b
                    server s 127.0.0.1:6379 check
                """);
        HealthCheck h = backend(c, "redis").healthCheck();
        assertThat(h.kind()).isEqualTo(HealthCheck.Kind.TCP_SCRIPT);
        List<HealthCheck.TcpStep> steps = h.tcpSteps();
        assertThat(steps).extracting(HealthCheck.TcpStep::kind).containsExactly(HealthCheck.TcpStep.Kind.CONNECT,
                HealthCheck.TcpStep.Kind.SEND, HealthCheck.TcpStep.Kind.EXPECT_STRING, HealthCheck.TcpStep.Kind.SEND_BINARY,
                HealthCheck.TcpStep.Kind.EXPECT_RSTRING, HealthCheck.TcpStep.Kind.EXPECT_BINARY);
        assertThat(steps.get(0).port()).isEqualTo(6379);
        assertThat(steps.get(1).data()).isEqualTo("PING\r\n");
        assertThat(steps.get(2).data()).isEqualTo("+PONG");
        assertThat(steps.get(3).data()).isEqualTo("\r\n");
        assertThat(steps.get(4).negated()).isTrue();
        assertThat(steps.get(4).regex().pattern()).isEqualTo("^-ERR");
        assertThat(steps.get(5).data()).isEqualTo("OK");
    }

    @Test
    void tcpCheckErrors() {
        assertThat(errors("""
                backend b
                    option tcp-check
                    tcp-check connect addr 10.0.0.1
                    tcp-check send-binary 0z
                    tcp-check send-binary abc
                    tcp-check expect regex x
                    tcp-check connect port 0
                """)).containsExactly(
                "parsing [t.cfg:3] : 'tcp-check connect' : 'tcp-check connect' supports only 'port' (got 'addr'). "
                        + "Fix: write it as: tcp-check connect [port PORT]",
                "parsing [t.cfg:4] : 'tcp-check send-binary' : invalid binary string (an hex digit is expected (found "
                        + "'z')). Fix: write two hex digits per byte, e.g. '0d0a'",
                "parsing [t.cfg:5] : 'tcp-check send-binary' : invalid binary string 'abc' (odd number of hex digits). "
                        + "Fix: write two hex digits per byte, e.g. '0d0a'",
                "parsing [t.cfg:6] : 'tcp-check expect' : only supports [!] string, rstring or binary but got 'regex' as "
                        + "argument. Fix: write it as: tcp-check expect [!] string|rstring|binary VALUE",
                "parsing [t.cfg:7] : 'tcp-check connect' : value 0 for 'tcp-check connect' is out of range. "
                        + "Fix: use a value between 1 and 65535");
    }

    @Test
    void serverCheckOptionsAndDefaultServer() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    default-server inter 3s fall 5\n") + """
                backend b
                    default-server check rise 4
                    server a 127.0.0.1:8000 fastinter 500 downinter 10s port 8081 addr 127.0.0.2 slowstart 30s
                    server b 127.0.0.1:8001 observe layer7 error-limit 5 on-error mark-down on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions
                    server c 127.0.0.1:8002 no-check
                """);
        List<Server> servers = backend(c, "b").servers();
        ServerOptions a = servers.get(0).options();
        assertThat(a.check()).isTrue();
        assertThat(a.inter()).isEqualTo(3000);
        assertThat(a.fall()).isEqualTo(5);
        assertThat(a.rise()).isEqualTo(4);
        assertThat(a.fastinter()).isEqualTo(500);
        assertThat(a.downinter()).isEqualTo(10_000);
        assertThat(a.checkPort()).isEqualTo(8081);
        assertThat(a.checkAddress().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(a.slowstart()).isEqualTo(30_000);
        assertThat(a.observe()).isEqualTo(ServerOptions.Observe.NONE);
        ServerOptions b = servers.get(1).options();
        assertThat(b.observe()).isEqualTo(ServerOptions.Observe.LAYER7);
        assertThat(b.errorLimit()).isEqualTo(5);
        assertThat(b.onError()).isEqualTo(ServerOptions.OnError.MARK_DOWN);
        assertThat(b.onMarkedDownShutdownSessions()).isTrue();
        assertThat(b.onMarkedUpShutdownBackupSessions()).isTrue();
        assertThat(b.fastinter()).isZero();
        ServerOptions cc = servers.get(2).options();
        assertThat(cc.check()).isFalse();
        assertThat(cc.rise()).isEqualTo(4);
    }

    @Test
    void serverCheckOptionErrors() {
        assertThat(errors("""
                backend b
                    server a 127.0.0.1:80 check inter 0
                    server b 127.0.0.1:80 rise 0
                    server c 127.0.0.1:80 fall x
                    server d 127.0.0.1:80 port 70000
                    server e 127.0.0.1:80 addr no.such.host.invalid
                    server f 127.0.0.1:80 observe layer5
                    server g 127.0.0.1:80 on-error explode
                    server h 127.0.0.1:80 on-marked-down shutdown-backup-sessions
                    server i 127.0.0.1:80 check-send-proxy
                    server j 127.0.0.1:80 inter
                """)).containsExactly(
                "parsing [t.cfg:2] : 'server' : server option 'inter': invalid value 0 for 'inter'. "
                        + "Fix: use a delay above 0, e.g. 'inter 2s'",
                "parsing [t.cfg:3] : 'server' : server option 'rise': value 0 for 'rise' is out of range. "
                        + "Fix: use a value between 1 and 1000",
                "parsing [t.cfg:4] : 'server' : server option 'fall': 'x' is not an integer for 'fall'. "
                        + "Fix: write a decimal integer between 1 and 1000",
                "parsing [t.cfg:5] : 'server' : server option 'port': value 70000 for 'port' is out of range. "
                        + "Fix: use a value between 1 and 65535",
                "parsing [t.cfg:6] : 'server' : server option 'addr': invalid address: 'no.such.host.invalid'. "
                        + "Fix: use an IP address, or a name this machine can resolve",
                "parsing [t.cfg:7] : 'server' : server option 'observe': unknown mode 'layer5'. "
                        + "Fix: use 'layer4' or 'layer7'",
                "parsing [t.cfg:8] : 'server' : server option 'on-error': unknown action 'explode'. "
                        + "Fix: use fastinter, fail-check, sudden-death or mark-down",
                "parsing [t.cfg:9] : 'server' : server option 'on-marked-down': unknown action "
                        + "'shutdown-backup-sessions'. Fix: the only action is 'shutdown-sessions'",
                "parsing [t.cfg:10] : 'server' : 'check-send-proxy' is an HAProxy server option that Ferry does not "
                        + "support: the PROXY protocol is not implemented. Fix: remove 'check-send-proxy' from the line",
                "parsing [t.cfg:11] : 'server' : server option 'inter' needs a value. Fix: write it as 'inter TIME'");
    }

    @Test
    void observeLayer7NeedsHttp() {
        assertThat(errors("""
                backend db
                    mode tcp
                    server s 127.0.0.1:5432 check observe layer7
                """)).containsExactly("parsing [t.cfg:3] : 'server' : 'observe layer7' can only be used in HTTP proxies, "
                + "and backend 'db' is in TCP mode. Fix: use 'observe layer4' for server 's'");
    }

    @Test
    void httpCheckSendCompletesOptionHttpchkOncePerSection() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    http-check send hdr X-From defaults\n") + """
                backend b
                    option httpchk GET /health HTTP/1.1
                    http-check send hdr Host example.com
                backend inherits
                    option tcp-check
                """);
        HealthCheck.HttpSend send = backend(c, "b").healthCheck().send();
        assertThat(send.method()).isEqualTo("GET");
        assertThat(send.uri()).isEqualTo("/health");
        assertThat(send.headers()).extracting(h -> h[0]).containsExactly("Host");
        assertThat(backend(c, "inherits").healthCheck().send().headers()).extracting(h -> h[0]).containsExactly("X-From");
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    http-check send meth GET
                    http-check send uri /x
                """)).containsExactly("parsing [t.cfg:8] : 'http-check send' : only one 'http-check send' per section "
                + "(the first is at t.cfg:7). Fix: put all of the request's parts on that line");
    }
}
