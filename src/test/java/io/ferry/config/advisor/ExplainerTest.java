package io.ferry.config.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ExplainerTest {

    @Test
    void explainsTheReportsConfigurationPhaseByPhase() throws IOException {
        String out = Explainer.explain(AdvisorTest.seed("haproxy-seed.cfg"));

        assertThat(out).isEqualTo("""
                frontend all (haproxy-seed.cfg:15), mode http, maxconn 500 (global, haproxy-seed.cfg:8)
                  to backend nginx (default_backend, haproxy-seed.cfg:20)
                    request head         24h       timeout client between reads (timeout http-request not set: no bound on the whole head) [haproxy-seed.cfg:19]
                    queue                4s        timeout connect (timeout queue not set) [haproxy-seed.cfg:26]
                    connect              4s        timeout connect [haproxy-seed.cfg:26]
                    response             10s       timeout server [haproxy-seed.cfg:25]
                    keep-alive idle      24h       timeout client (neither timeout http-keep-alive nor timeout http-request set) [haproxy-seed.cfg:19]
                    tunnel               10s       timeout client 24h on the client side and timeout server 10s on the server side (timeout tunnel not set) [haproxy-seed.cfg:25]
                    client half-closed   30s       Ferry's default min(timeout client 24h, 30s) (timeout client-fin not set) [haproxy-seed.cfg:19]
                    server half-closed   10s       Ferry's default min(timeout server 10s, 30s) (timeout server-fin not set) [haproxy-seed.cfg:25]
                """);
    }

    @Test
    void explainsFallbacksTunnelsAndListenSections() {
        String out = Explainer.explain(AdvisorTest.load("l.cfg", """
                defaults
                    mode tcp
                listen db
                    bind :5432
                    timeout client 1m
                    timeout server 1m
                    timeout tunnel 2h
                    server pg 127.0.0.1:9
                """));

        assertThat(out).contains("listen db (l.cfg:3), mode tcp, no maxconn\n  to its own servers (listen section)\n")
                .contains("    connect              no limit  timeout connect not set\n")
                .contains("    tunnel               2h        timeout tunnel [l.cfg:7]\n")
                .contains("    client half-closed   30s       Ferry's default min(timeout tunnel 2h, 30s) "
                        + "(timeout client-fin not set) [l.cfg:7]\n");
    }

    @Test
    void aFrontendThatRoutesNowhereSaysSo() {
        String out = Explainer.explain(AdvisorTest.load("n.cfg", """
                frontend fe
                    mode http
                    bind :8080
                """));

        assertThat(out).contains("routes nowhere: no default_backend and no use_backend");
    }
}
