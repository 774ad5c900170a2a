package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OptionKeywordsTest extends KeywordTestSupport {

    @Test
    void simpleOptionsAreSetAndInheritedFromDefaults() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    option redispatch\n    option nolinger\n") + """
                backend b
                    option allbackups
                    option abortonclose
                    option srvtcpka
                    no option nolinger
                    server s 127.0.0.1:8000
                """);
        Proxy b = backend(c, "b");
        assertThat(b.option(ProxyOption.REDISPATCH)).isTrue();
        assertThat(b.options().get(ProxyOption.REDISPATCH).location()).isEqualTo(new Location("t.cfg", 2));
        assertThat(b.option(ProxyOption.ALLBACKUPS)).isTrue();
        assertThat(b.option(ProxyOption.ABORTONCLOSE)).isTrue();
        assertThat(b.option(ProxyOption.SRVTCPKA)).isTrue();
        assertThat(b.option(ProxyOption.NOLINGER)).isFalse();
        assertThat(b.options().get(ProxyOption.NOLINGER).location()).isEqualTo(new Location("t.cfg", 12));
        assertThat(b.option(ProxyOption.TCPKA)).isFalse();
        assertThat(c.defaults().get("#1").option(ProxyOption.NOLINGER)).isTrue();
    }

    @Test
    void httpConnectionModesExcludeEachOther() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    option httpclose\n") + """
                backend b
                    option http-server-close
                    server s 127.0.0.1:8000
                backend c
                    option http-keep-alive
                    server s 127.0.0.1:8000
                """);
        assertThat(backend(c, "b").option(ProxyOption.HTTPCLOSE)).isFalse();
        assertThat(backend(c, "b").option(ProxyOption.HTTP_SERVER_CLOSE)).isTrue();
        assertThat(backend(c, "c").option(ProxyOption.HTTP_KEEP_ALIVE)).isTrue();
        assertThat(backend(c, "c").options()).doesNotContainKeys(ProxyOption.HTTPCLOSE, ProxyOption.HTTP_SERVER_CLOSE);
        assertThat(backend(c, "b").httpMode()).isEqualTo(ProxyOption.HTTP_SERVER_CLOSE);
        assertThat(backend(c, "c").httpMode()).isEqualTo(ProxyOption.HTTP_KEEP_ALIVE);
        assertThat(c.defaults().get("#1").httpMode()).isEqualTo(ProxyOption.HTTPCLOSE);
        assertThat(backend(load(HTTP_DEFAULTS + "backend d\n"), "d").httpMode()).isEqualTo(ProxyOption.HTTP_KEEP_ALIVE);
    }

    @Test
    void optionOnTheWrongSideIsAcceptedWithHaproxysWarning() {
        assertThat(warnings(HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    option redispatch
                """)).containsExactly("parsing [t.cfg:8] : 'option redispatch' : 'redispatch' ignored because frontend "
                + "'f' has no backend capability. Fix: move 'option redispatch' to a backend, listen or defaults section");
        assertThat(warnings(HTTP_DEFAULTS + """
                backend b
                    option clitcpka
                """)).containsExactly("parsing [t.cfg:7] : 'option clitcpka' : 'clitcpka' ignored because backend "
                + "'b' has no frontend capability. Fix: move 'option clitcpka' to a frontend, listen or defaults section");
    }

    @Test
    void simpleOptionsTakeNoArgument() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    option redispatch 1
                """)).containsExactly("parsing [t.cfg:7] : 'option redispatch' : unexpected extra argument '1'. "
                + "Fix: write it as: [no] option redispatch");
    }

    @Test
    void forwardforWithAllArguments() {
        Config c = load(HTTP_DEFAULTS + """
                backend b
                    option forwardfor except 10.0.0.0/8 header X-Client-IP if-none
                """);
        ForwardFor f = backend(c, "b").forwardFor();
        assertThat(backend(c, "b").option(ProxyOption.FORWARDFOR)).isTrue();
        assertThat(f.except().prefixLength()).isEqualTo(8);
        assertThat(f.except().address().getHostAddress()).isEqualTo("10.0.0.0");
        assertThat(f.header()).isEqualTo("X-Client-IP");
        assertThat(f.ifNone()).isTrue();
        assertThat(f.location()).isEqualTo(new Location("t.cfg", 7));
    }

    @Test
    void forwardforDefaultsAndInheritance() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    option forwardfor\n") + """
                backend b
                    server s 127.0.0.1:8000
                """);
        ForwardFor f = backend(c, "b").forwardFor();
        assertThat(f.header()).isEqualTo("X-Forwarded-For");
        assertThat(f.except()).isNull();
        assertThat(f.ifNone()).isFalse();
    }

    @Test
    void forwardforErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    option forwardfor except nowhere
                    option forwardfor header
                    option forwardfor sometimes
                    no option forwardfor
                """)).containsExactly(
                "parsing [t.cfg:7] : 'option forwardfor' : 'nowhere' is not an IP address or network. "
                        + "Fix: write an address with an optional /prefix, e.g. 192.168.0.0/16 or ::1",
                "parsing [t.cfg:8] : 'option forwardfor' : 'option forwardfor header' expects a header name as "
                        + "argument. Fix: write e.g. 'option forwardfor header X-Client-IP'",
                "parsing [t.cfg:9] : 'option forwardfor' : 'option forwardfor' only supports the optional values "
                        + "'except', 'header' and 'if-none' (got 'sometimes'). Fix: write it as: option forwardfor "
                        + "[except NETWORK] [header NAME] [if-none]",
                "parsing [t.cfg:10] : 'no option forwardfor' : 'option forwardfor' cannot be negated with 'no'. "
                        + "Fix: remove 'no'");
    }

    @Test
    void httplogTcplogAndClfSetTheLogFormat() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    option httplog\n") + """
                frontend a
                    bind :8000
                frontend b
                    bind :8001
                    option httplog clf
                frontend t
                    bind :8002
                    mode tcp
                    option tcplog
                """);
        assertThat(frontend(c, "a").logFormat()).isEqualTo(LogFormat.HTTPLOG);
        assertThat(frontend(c, "a").option(ProxyOption.HTTPLOG)).isTrue();
        assertThat(frontend(c, "b").logFormat()).isEqualTo(LogFormat.HTTPLOG_CLF);
        assertThat(frontend(c, "t").logFormat()).isEqualTo(LogFormat.TCPLOG);
        assertThat(frontend(c, "t").option(ProxyOption.TCPLOG)).isTrue();
        assertThat(frontend(c, "t").option(ProxyOption.HTTPLOG)).isFalse();
    }

    @Test
    void httplogOnlySupportsClf() {
        assertThat(errors(HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    option httplog json
                """)).containsExactly("parsing [t.cfg:8] : 'option httplog' : 'option httplog' only supports the "
                + "option 'clf' (got 'json'). Fix: write 'option httplog' or 'option httplog clf'");
    }

    @Test
    void httpchkForms() {
        Config c = load(HTTP_DEFAULTS + """
                backend plain
                    option httpchk
                backend uri
                    option httpchk /health
                backend full
                    option httpchk GET /health HTTP/1.1
                backend hidden
                    option httpchk GET /h HTTP/1.1\\r\\nHost:\\ example.com
                """);
        HealthCheck.HttpSend plain = backend(c, "plain").healthCheck().send();
        assertThat(backend(c, "plain").healthCheck().kind()).isEqualTo(HealthCheck.Kind.HTTP);
        assertThat(plain).isEqualTo(HealthCheck.HttpSend.DEFAULT);
        assertThat(backend(c, "uri").healthCheck().send().uri()).isEqualTo("/health");
        assertThat(backend(c, "uri").healthCheck().send().method()).isEqualTo("OPTIONS");
        HealthCheck.HttpSend full = backend(c, "full").healthCheck().send();
        assertThat(full.method()).isEqualTo("GET");
        assertThat(full.version()).isEqualTo("HTTP/1.1");
        HealthCheck.HttpSend hidden = backend(c, "hidden").healthCheck().send();
        assertThat(hidden.version()).isEqualTo("HTTP/1.1");
        assertThat(hidden.headers()).hasSize(1);
        assertThat(hidden.headers().get(0)).containsExactly("Host", "example.com");
    }

    @Test
    void hiddenHeadersWarnLikeHaproxy() {
        assertThat(warnings(HTTP_DEFAULTS + """
                backend b
                    option httpchk GET /h HTTP/1.1\\r\\nHost:\\ x
                """)).containsExactly("parsing [t.cfg:7] : 'option httpchk' : hiding headers or body at the end of "
                + "the version string is deprecated. Fix: use 'http-check send meth GET uri /h ver HTTP/1.1 hdr NAME VALUE'");
    }

    @Test
    void httpchkErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    option httpchk GET / HTTP/2 extra
                    option httpchk GET / HTTP/2
                    option tcp-check now
                """)).containsExactly(
                "parsing [t.cfg:7] : 'option httpchk' : unexpected extra argument 'extra' after 'HTTP/2'. "
                        + "Fix: write it as: option httpchk [METHOD] [URI] [VERSION]",
                "parsing [t.cfg:8] : 'option httpchk' : unsupported HTTP version 'HTTP/2' for health checks. "
                        + "Fix: use HTTP/1.0 or HTTP/1.1",
                "parsing [t.cfg:9] : 'option tcp-check' : unexpected extra argument 'now'. "
                        + "Fix: write it as: option tcp-check");
    }

    @Test
    void checkTypesExcludeEachOther() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    option httpchk\n") + """
                backend b
                    option tcp-check
                """);
        assertThat(backend(c, "b").healthCheck().kind()).isEqualTo(HealthCheck.Kind.TCP_SCRIPT);
        assertThat(backend(c, "b").option(ProxyOption.HTTPCHK)).isFalse();
    }

    @Test
    void unknownOptionSuggestsTheClosest() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    option redispach
                """)).containsExactly("parsing [t.cfg:7] : unknown keyword 'option redispach'; 'option' "
                + "supports 'http-keep-alive', 'http-server-close', 'httpclose', 'forwardfor', 'redispatch', "
                + "'allbackups', 'nolinger', 'clitcpka', 'srvtcpka', 'tcpka', 'abortonclose', 'httplog', 'tcplog', "
                + "'dontlognull', 'log-separate-errors', 'httpchk', 'tcp-check', 'accept-invalid-http-request', "
                + "'accept-invalid-http-response' (got 'redispach'). Fix: did you mean 'option redispatch'?");
    }

    @Test
    void httpOnlySettingsInTcpModeAreIgnoredWithHaproxysWarnings() {
        String text = HTTP_DEFAULTS.replace("defaults\n", "defaults\n    log stdout local0\n    option forwardfor\n    option httplog\n"
                + "    option accept-invalid-http-response\n    stats enable\n") + """
                listen db
                    mode tcp
                    bind :5432
                """;
        assertThat(warnings(text)).containsExactly(
                "parsing [t.cfg:11] : 'listen' : 'stats' statement ignored for listen 'db' as it requires HTTP mode. "
                        + "Fix: add 'mode http' to the section, or remove the setting (or set it in an HTTP defaults "
                        + "section only)",
                "parsing [t.cfg:11] : 'listen' : 'option forwardfor' ignored for listen 'db' as it requires HTTP mode. "
                        + "Fix: add 'mode http' to the section, or remove the setting (or set it in an HTTP defaults "
                        + "section only)",
                "parsing [t.cfg:11] : 'listen' : 'option accept-invalid-http-response' ignored for listen 'db' as it "
                        + "requires HTTP mode. Fix: add 'mode http' to the section, or remove the setting (or set it in "
                        + "an HTTP defaults section only)",
                "parsing [t.cfg:11] : 'listen' : 'option httplog' not usable with listen 'db' (needs 'mode http'); "
                        + "falling back to 'option tcplog'. Fix: write 'option tcplog' in the section");
        Proxy db = load(text).frontend("db").orElseThrow();
        assertThat(db.logFormat()).isEqualTo(LogFormat.TCPLOG);
        assertThat(db.option(ProxyOption.TCPLOG)).isTrue();
        assertThat(db.option(ProxyOption.HTTPLOG)).isFalse();
    }

    @Test
    void haproxyOptionsFerryDoesNotImplementAreRefusedWithTheReason() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    option mysql-check user haproxy
                    no option http-buffer-request
                """)).containsExactly(
                "parsing [t.cfg:7] : 'option mysql-check' is an HAProxy keyword that Ferry does not support: only TCP "
                        + "connect, HTTP ('option httpchk') and scripted TCP ('option tcp-check') checks are implemented. "
                        + "Fix: remove the line",
                "parsing [t.cfg:8] : 'option http-buffer-request' is an HAProxy keyword that Ferry does not support: "
                        + "request bodies are streamed, never buffered whole. Fix: remove the line");
    }
}
