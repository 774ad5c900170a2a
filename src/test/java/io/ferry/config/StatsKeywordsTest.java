package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsKeywordsTest extends KeywordTestSupport {

    @Test
    void statsPageSettings() {
        Config c = load(HTTP_DEFAULTS + """
                listen stats
                    bind :8404
                    stats uri /stats
                    stats realm Ferry
                    stats auth admin:secret
                    stats auth ops:other
                    stats refresh 10s
                    stats admin if { src 127.0.0.1 }
                    stats hide-version
                    stats show-legends
                """);
        StatsSettings s = c.frontend("stats").orElseThrow().stats();
        assertThat(s.enabled()).isTrue();
        assertThat(s.uri()).isEqualTo("/stats");
        assertThat(s.realm()).isEqualTo("Ferry");
        assertThat(s.credentials()).containsExactly("admin:secret", "ops:other");
        assertThat(s.refreshMs()).isEqualTo(10_000);
        assertThat(s.admin().alternatives()).hasSize(1);
        assertThat(s.hideVersion()).isTrue();
        assertThat(s.showLegends()).isTrue();
        assertThat(s.location()).isEqualTo(new Location("t.cfg", 8));
    }

    @Test
    void anyStatsKeywordEnablesThePageAndDefaultsAreInherited() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    stats refresh 5s\n") + """
                frontend f
                    bind :8000
                backend b
                    stats enable
                """);
        StatsSettings f = frontend(c, "f").stats();
        assertThat(f.enabled()).isTrue();
        assertThat(f.refreshMs()).isEqualTo(5_000);
        assertThat(f.uri()).isEqualTo("/haproxy?stats");
        assertThat(f.location()).isEqualTo(new Location("t.cfg", 2));
        assertThat(backend(c, "b").stats().enabled()).isTrue();
    }

    @Test
    void proxiesWithoutStatsHaveThePageDisabled() {
        Config c = load(HTTP_DEFAULTS + "backend b\n");
        assertThat(backend(c, "b").stats()).isEqualTo(StatsSettings.DISABLED);
    }

    @Test
    void statsPageErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                    stats admin if TRUE
                frontend f
                    bind :8000
                    stats auth admin
                    stats uri stats
                    stats admin
                    stats scope b
                """)).containsExactly(
                "parsing [t.cfg:6] : 'stats admin' is not allowed in a 'defaults' section. "
                        + "Fix: move it to a backend or frontend or listen section",
                "parsing [t.cfg:9] : 'stats auth' : 'stats auth' needs a user:password account (got 'admin'). "
                        + "Fix: write e.g. 'stats auth admin:secret'",
                "parsing [t.cfg:11] : 'stats admin' : 'stats admin' requires either 'if' or 'unless' followed by a "
                        + "condition. Fix: write e.g. 'stats admin if { src 127.0.0.1 }'",
                "parsing [t.cfg:12] : 'stats scope' is an HAProxy keyword that Ferry does not support: the stats page "
                        + "always shows every proxy. Fix: remove the line");
    }

    @Test
    void aStatsUriThatNoPathCanMatchIsWarnedAbout() {
        assertThat(warnings(HTTP_DEFAULTS + "frontend f\n    bind :8000\n    stats uri stats\n")).containsExactly(
                "parsing [t.cfg:8] : 'stats uri' : stats URI 'stats' does not start with '/', so no request path can "
                        + "match it. Fix: write e.g. 'stats uri /stats'");
    }

    @Test
    void statsSockets() {
        Config c = load("""
                global
                    stats socket /run/ferry/admin.sock mode 660 level admin
                    stats socket 127.0.0.1:9999 level user
                    stats socket fd@3
                    stats timeout 2m
                """);
        List<GlobalSettings.StatsSocket> sockets = c.global().statsSockets();
        assertThat(sockets).hasSize(3);
        assertThat(sockets.get(0).address().kind()).isEqualTo(Address.Kind.UNIX);
        assertThat(sockets.get(0).address().path()).isEqualTo("/run/ferry/admin.sock");
        assertThat(sockets.get(0).mode()).isEqualTo(0660);
        assertThat(sockets.get(0).level()).isEqualTo(GlobalSettings.StatsSocket.Level.ADMIN);
        assertThat(sockets.get(1).address().port()).isEqualTo(9999);
        assertThat(sockets.get(1).level()).isEqualTo(GlobalSettings.StatsSocket.Level.USER);
        assertThat(sockets.get(1).mode()).isEqualTo(-1);
        assertThat(sockets.get(2).address().fd()).isEqualTo(3);
        assertThat(sockets.get(2).level()).isEqualTo(GlobalSettings.StatsSocket.Level.OPERATOR);
        assertThat(sockets.get(2).location()).isEqualTo(new Location("t.cfg", 4));
        assertThat(c.global().statsTimeoutMs()).isEqualTo(120_000);
    }

    @Test
    void statsTimeoutDefaultsToTenSeconds() {
        assertThat(load("global\n").global().statsTimeoutMs()).isEqualTo(10_000);
    }

    @Test
    void exposeFdListenersIsRecordedWithAWarning() {
        String text = "global\n    stats socket /run/ferry.sock level admin expose-fd listeners\n";
        assertThat(load(text).global().statsSockets().get(0).exposeFdListeners()).isTrue();
        assertThat(warnings(text)).containsExactly("parsing [t.cfg:2] : 'stats socket' : 'expose-fd listeners' has no "
                + "effect: Ferry reloads inside one process and keeps its listening sockets itself. "
                + "Fix: remove 'expose-fd listeners'");
    }

    @Test
    void statsSocketErrors() {
        assertThat(errors("""
                global
                    stats socket /run/s.sock level root
                    stats socket /run/s.sock mode 999
                    stats socket 127.0.0.1:9999 mode 600
                    stats socket /run/s.sock user haproxy
                    stats socket /run/s.sock level
                    stats timeout 0
                """)).containsExactly(
                "parsing [t.cfg:2] : 'stats socket' : 'level' only supports 'user', 'operator', and 'admin' (got 'root'). "
                        + "Fix: write e.g. 'level admin'",
                "parsing [t.cfg:3] : 'stats socket' : invalid mode '999'. Fix: write permissions in octal, e.g. 'mode 660'",
                "parsing [t.cfg:4] : 'stats socket' : 'mode' applies to unix sockets only. Fix: remove 'mode' from this line",
                "parsing [t.cfg:5] : 'stats socket' : unknown 'stats socket' option 'user'. "
                        + "Fix: use 'level', 'mode' or 'expose-fd listeners'",
                "parsing [t.cfg:6] : 'stats socket' : 'level' expects an argument. Fix: write it as: stats socket "
                        + "PATH|ADDRESS:PORT|fd@N [level user|operator|admin] [mode OCTAL] [expose-fd listeners]",
                "parsing [t.cfg:7] : 'stats timeout' : 'stats timeout' expects a positive delay. "
                        + "Fix: write e.g. 'stats timeout 30s'");
    }
}
