package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpRuleKeywordsTest extends KeywordTestSupport {

    @TempDir
    Path dir;

    private static String frontend(String rules) {
        return HTTP_DEFAULTS + "frontend f\n    bind :8000\n" + rules;
    }

    @Test
    void requestRulesKeepTheirOrderActionsAndConditions() {
        Config c = load(frontend("""
                    acl api path_beg /api
                    http-request set-header X-Client %[src] if api
                    http-request add-header X-Via ferry unless api
                    http-request del-header X-Debug
                    http-request replace-header Host (.*):80 \\1
                    http-request set-path /v2%[path]
                    http-request set-query a=1
                    http-request set-uri /x
                    http-request allow if { method GET }
                    http-request deny deny_status 503 if api
                    http-request deny
                """));
        List<HttpRule> rules = frontend(c, "f").httpRequestRules();
        assertThat(rules).hasSize(10);
        HttpAction.SetHeader set = (HttpAction.SetHeader) rules.get(0).action();
        assertThat(set.name()).isEqualTo("X-Client");
        assertThat(set.value().text()).isEqualTo("%[src]");
        assertThat(rules.get(0).condition().unless()).isFalse();
        assertThat(rules.get(0).condition().alternatives().get(0).get(0).name()).isEqualTo("api");
        assertThat(rules.get(0).location()).isEqualTo(new Location("t.cfg", 9));
        assertThat(rules.get(1).action()).isEqualTo(new HttpAction.AddHeader("X-Via", new LogFormat("ferry")));
        assertThat(rules.get(1).condition().unless()).isTrue();
        assertThat(rules.get(2).action()).isEqualTo(new HttpAction.DelHeader("X-Debug"));
        assertThat(rules.get(2).condition()).isNull();
        HttpAction.ReplaceHeader rh = (HttpAction.ReplaceHeader) rules.get(3).action();
        assertThat(rh.regex().pattern()).isEqualTo("(.*):80");
        assertThat(rh.replacement().text()).isEqualTo("\\1");
        assertThat(rules.get(4).action()).isEqualTo(new HttpAction.SetPath(new LogFormat("/v2%[path]")));
        assertThat(rules.get(5).action()).isEqualTo(new HttpAction.SetQuery(new LogFormat("a=1")));
        assertThat(rules.get(6).action()).isEqualTo(new HttpAction.SetUri(new LogFormat("/x")));
        assertThat(rules.get(7).action()).isEqualTo(new HttpAction.Allow());
        assertThat(rules.get(8).action()).isEqualTo(new HttpAction.Deny(503));
        assertThat(rules.get(9).action()).isEqualTo(new HttpAction.Deny(403));
    }

    @Test
    void responseRules() {
        Config c = load(frontend("""
                    http-response set-header Cache-Control no-store
                    http-response del-header Server
                    http-response deny deny_status 503 if { always_true }
                    http-response deny
                """));
        List<HttpRule> rules = frontend(c, "f").httpResponseRules();
        assertThat(rules).extracting(HttpRule::action).as("a response is denied with 502 by default").containsExactly(
                new HttpAction.SetHeader("Cache-Control", new LogFormat("no-store")),
                new HttpAction.DelHeader("Server"), new HttpAction.Deny(503), new HttpAction.Deny(502));
        assertThat(frontend(c, "f").httpRequestRules()).isEmpty();
    }

    @Test
    void returnWithStringFileAndFormat() throws IOException {
        Path file = dir.resolve("body.html");
        Files.writeString(file, "<p>maintenance</p>");
        Config c = load(frontend("""
                    http-request return status 503 content-type text/html file %s if { path /a }
                    http-request return content-type text/plain string ok if { path /b }
                    http-request return status 200 content-type text/plain lf-string "you are %%[src]" if { path /c }
                    http-request return status 204
                """.formatted(file).replace("%%[src]", "%[src]")));
        List<HttpRule> rules = frontend(c, "f").httpRequestRules();
        HttpAction.Return fromFile = (HttpAction.Return) rules.get(0).action();
        assertThat(fromFile.status()).isEqualTo(503);
        assertThat(fromFile.contentType()).isEqualTo("text/html");
        assertThat(new String(fromFile.body(), StandardCharsets.UTF_8)).isEqualTo("<p>maintenance</p>");
        assertThat(fromFile.bodyFormat()).isNull();
        HttpAction.Return fromString = (HttpAction.Return) rules.get(1).action();
        assertThat(fromString.status()).isEqualTo(200);
        assertThat(new String(fromString.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
        HttpAction.Return fromFormat = (HttpAction.Return) rules.get(2).action();
        assertThat(fromFormat.bodyFormat()).isEqualTo(new LogFormat("you are %[src]"));
        assertThat(fromFormat.body()).isEmpty();
        HttpAction.Return empty = (HttpAction.Return) rules.get(3).action();
        assertThat(empty.status()).isEqualTo(204);
        assertThat(empty.contentType()).isNull();
    }

    @Test
    void returnErrors() {
        assertThat(errors(frontend("""
                    http-request return status 204 content-type text/plain string hi
                    http-request return status 200 string hi
                    http-request return status 700
                    http-request return status 200 content-type text/plain string a file b
                    http-request return hdr X-A b
                """))).containsExactly(
                "parsing [t.cfg:8] : 'http-request return' : no body expected for 204 responses. "
                        + "Fix: remove the payload or change the status",
                "parsing [t.cfg:9] : 'http-request return' : a content type must be defined when a non-empty payload "
                        + "is configured. Fix: add e.g. 'content-type text/plain'",
                "parsing [t.cfg:10] : 'http-request return' : unexpected status code '700'. "
                        + "Fix: use a status between 200 and 599",
                "parsing [t.cfg:11] : 'http-request return' : 'file' conflicts with 'string': a response has one "
                        + "payload. Fix: keep only one of string, lf-string and file",
                "parsing [t.cfg:12] : 'http-request return' : 'http-request return' does not support 'hdr'. "
                        + "Fix: write it as: http-request return [status STATUS] [content-type TYPE] "
                        + "[string TEXT | lf-string FORMAT | file PATH] [if|unless CONDITION]");
    }

    @Test
    void denyErrors() {
        assertThat(errors(frontend("""
                    http-request deny deny_status 418
                    http-request deny status 403
                    http-request allow now
                """))).containsExactly(
                "parsing [t.cfg:8] : 'http-request deny' : status code '418' has no built-in error page. Fix: use one "
                        + "of 200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504",
                "parsing [t.cfg:9] : 'http-request deny' : 'http-request deny' does not support 'status'. Fix: write "
                        + "it as: http-request deny [deny_status STATUS] [if|unless CONDITION]; for a custom body use "
                        + "'http-request return'",
                "parsing [t.cfg:10] : 'http-request allow' : 'http-request allow' expects either 'if' or 'unless' "
                        + "followed by a condition but found 'now'. Fix: write it as: http-request allow [if|unless CONDITION]");
    }

    @Test
    void redirects() {
        Config c = load(frontend("""
                    http-request redirect scheme https code 301 if !{ dst_port 443 }
                    http-request redirect prefix /new drop-query append-slash
                    http-request redirect location /moved
                """));
        List<HttpRule> rules = frontend(c, "f").httpRequestRules();
        assertThat(rules.get(0).action()).isEqualTo(
                new HttpAction.Redirect(HttpAction.Redirect.Kind.SCHEME, new LogFormat("https"), 301, false, false));
        assertThat(rules.get(1).action()).isEqualTo(
                new HttpAction.Redirect(HttpAction.Redirect.Kind.PREFIX, new LogFormat("/new"), 302, true, true));
        assertThat(rules.get(2).action()).isEqualTo(
                new HttpAction.Redirect(HttpAction.Redirect.Kind.LOCATION, new LogFormat("/moved"), 302, false, false));
    }

    @Test
    void redirectErrors() {
        assertThat(errors(frontend("""
                    http-request redirect location /x code 304
                    http-request redirect to /x
                    http-request redirect location /x set-cookie a=b
                """))).containsExactly(
                "parsing [t.cfg:8] : 'http-request redirect' : 'code': unsupported HTTP code '304'. "
                        + "Fix: use one of 301, 302, 303, 307 or 308",
                "parsing [t.cfg:9] : 'http-request redirect' : expects 'location', 'prefix' or 'scheme' (was 'to'). "
                        + "Fix: write it as: http-request redirect location|prefix|scheme TARGET "
                        + "[code 301|302|303|307|308] [drop-query] [append-slash] [if|unless CONDITION]",
                "parsing [t.cfg:10] : 'http-request redirect' : expects 'code', 'drop-query' or 'append-slash' "
                        + "(was 'set-cookie'). Fix: write it as: http-request redirect location|prefix|scheme TARGET "
                        + "[code 301|302|303|307|308] [drop-query] [append-slash] [if|unless CONDITION]");
    }

    @Test
    void headerAndFormatErrors() {
        assertThat(errors(frontend("""
                    http-request set-header X-Id %zz
                    http-request set-header "X Id" 1
                    http-request add-header X-Id %[nosuch]
                    http-request replace-header Host ( x
                    http-request set-path
                    http-request set-header X-Id %[src,base64]
                """))).containsExactly(
                "parsing [t.cfg:8] : 'http-request set-header' : no such format variable 'zz'. Fix: if you wanted to "
                        + "emit the '%' character verbatim, you need to use '%%'",
                "parsing [t.cfg:9] : 'http-request set-header' : character ' ' is not allowed in header name 'X Id'. "
                        + "Fix: use letters, digits and !#$%&'*+-.^_`|~",
                "parsing [t.cfg:10] : 'http-request add-header' : unknown sample fetch 'nosuch' in '%[nosuch]'. "
                        + "Fix: use one of the ACL criteria in docs/configuration.md",
                "parsing [t.cfg:11] : 'http-request replace-header' : invalid regular expression '(': Unclosed group. "
                        + "Fix: fix the expression (Java regular expression syntax, compatible with PCRE for common use)",
                "parsing [t.cfg:12] : 'http-request set-path' : 'http-request set-path' expects exactly 1 argument, "
                        + "got 0. Fix: write it as: http-request set-path FORMAT [if|unless CONDITION]",
                "parsing [t.cfg:13] : 'http-request set-header' : converter 'base64' is not supported by Ferry in "
                        + "'%[src,base64]'. Fix: use 'lower' or 'upper', or remove the converter");
    }

    @Test
    void serviceAndAuth() {
        Config c = load(frontend("""
                    http-request use-service prometheus-exporter if { path /metrics }
                    http-request auth unless { hdr(authorization) -m found }
                    http-request auth realm Ops
                """));
        List<HttpRule> rules = frontend(c, "f").httpRequestRules();
        assertThat(rules.get(0).action()).isEqualTo(new HttpAction.UseService("prometheus-exporter"));
        assertThat(rules.get(1).action()).isEqualTo(new HttpAction.Auth("f"));
        assertThat(rules.get(2).action()).isEqualTo(new HttpAction.Auth("Ops"));
        assertThat(errors(frontend("    http-request use-service lua.hello\n"))).containsExactly(
                "parsing [t.cfg:8] : 'http-request use-service' : 'lua.hello' unknown service name. "
                        + "Fix: Ferry's only service is 'prometheus-exporter'");
    }

    @Test
    void ruleAfterAnUnconditionalFinalActionIsWarnedAbout() {
        assertThat(warnings(frontend("""
                    http-response deny
                    http-response set-header A b
                """))).containsExactly("parsing [t.cfg:9] : 'http-response set-header' : previous 'http-response' "
                + "action at t.cfg:8 is final and has no condition attached, so this rule is never reached. "
                + "Fix: add a condition to the previous rule or move this one above it");
    }

    @Test
    void rulesOfANamedDefaultsSectionComeFirst() {
        Config c = load("""
                defaults web
                    mode http
                    http-request set-header X-From defaults
                    http-response del-header Server
                frontend f from web
                    bind :8000
                    http-request deny if { path /admin }
                """);
        Proxy f = frontend(c, "f");
        assertThat(f.httpRequestRules()).extracting(HttpRule::action).containsExactly(
                new HttpAction.SetHeader("X-From", new LogFormat("defaults")), new HttpAction.Deny(403));
        assertThat(f.httpRequestRules().get(0).location()).isEqualTo(new Location("t.cfg", 3));
        assertThat(f.httpResponseRules()).extracting(HttpRule::action).containsExactly(new HttpAction.DelHeader("Server"));
    }

    @Test
    void rulesAreNotAllowedInAnonymousDefaultsNorInheritedByDefaults() {
        assertThat(errors("""
                defaults
                    http-request deny
                defaults web
                    http-request deny
                defaults more from web
                """)).containsExactly(
                "parsing [t.cfg:2] : 'http-request deny' : 'http-request' not allowed in anonymous 'defaults' section. "
                        + "Fix: name the section ('defaults NAME') so that proxies can use its rules, or move the rule "
                        + "to a frontend, backend or listen section",
                "parsing [t.cfg:5] : 'defaults' : a defaults section cannot inherit from a defaults section defining "
                        + "HTTP rules (defaults section at t.cfg:3). Fix: move the rules to the proxies, or have the "
                        + "proxies use 'from web' directly");
    }

    @Test
    void errorfilesAreReadAndInherited() throws IOException {
        Path page = dir.resolve("503.http");
        Files.writeString(page, "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<h1>later</h1>\n");
        Path empty = dir.resolve("empty.http");
        Files.writeString(empty, "");
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    errorfile 503 " + page + "\n") + """
                backend b
                    errorfile 408 %s
                """.formatted(empty));
        Proxy b = backend(c, "b");
        assertThat(new String(b.errorFiles().get(503).value(), StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.0 503 Service Unavailable\r\n");
        assertThat(b.errorFiles().get(503).location()).isEqualTo(new Location("t.cfg", 2));
        assertThat(b.errorFiles().get(408).value()).isEmpty();
    }

    @Test
    void errorfileErrors() throws IOException {
        Path garbage = dir.resolve("garbage.http");
        Files.writeString(garbage, "<h1>not a response</h1>");
        Path missing = dir.resolve("missing.http");
        List<String> errors = errors(HTTP_DEFAULTS + """
                backend b
                    errorfile 418 %s
                    errorfile 503 %s
                    errorfile 503 %s
                """.formatted(garbage, missing, garbage));
        assertThat(errors).containsExactly(
                "parsing [t.cfg:7] : 'errorfile' : status code '418' not handled. Fix: use one of 200, 400, 401, 403, "
                        + "404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504",
                "parsing [t.cfg:8] : 'errorfile' : error opening file '" + missing + "'. Fix: check that the file "
                        + "exists and is readable (relative paths start from the working directory)",
                "parsing [t.cfg:9] : 'errorfile' : '" + garbage + "': unable to parse headers (error offset: 0). "
                        + "Fix: the file must hold a whole HTTP response, starting with e.g. "
                        + "'HTTP/1.0 503 Service Unavailable'");
    }

    @Test
    void haproxyActionsFerryDoesNotImplementAreRefusedWithTheReason() {
        assertThat(errors(frontend("""
                    http-request set-var(txn.a) str(b)
                    http-request track-sc0 src
                    http-response set-status 404
                """))).containsExactly(
                "parsing [t.cfg:8] : 'http-request set-var(txn.a)' is an HAProxy keyword that Ferry does not support: "
                        + "variables are not implemented. Fix: remove the line",
                "parsing [t.cfg:9] : 'http-request track-sc0' is an HAProxy keyword that Ferry does not support: stick "
                        + "tables are not implemented. Fix: remove the line",
                "parsing [t.cfg:10] : 'http-response set-status' is an HAProxy keyword that Ferry does not support: "
                        + "this rule action is not implemented. Fix: remove the line");
    }
}
