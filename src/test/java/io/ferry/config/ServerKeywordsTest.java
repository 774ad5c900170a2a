package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code bind}, {@code server} and {@code default-server} lines put into the model. */
class ServerKeywordsTest {

    private static Config valid(String text) {
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build().loadText("t.cfg", text);
        assertThat(r.errors()).isEmpty();
        return r.valid().orElseThrow();
    }

    @Test
    void bindOptionsApplyToEveryAddressOfTheLine() {
        Config c = valid("frontend f\n    bind 127.0.0.1:0,[::]:0 name web maxconn 50 backlog 128 tcp-ut 30s v6only\n"
                + "    bind unix@/run/f.sock mode 660\n");
        var binds = c.frontend("f").orElseThrow().binds();
        assertThat(binds).hasSize(3);
        for (Bind b : binds.subList(0, 2)) {
            assertThat(b.name()).isEqualTo("web");
            assertThat(b.maxconn()).isEqualTo(50);
            assertThat(b.backlog()).isEqualTo(128);
            assertThat(b.tcpUserTimeoutMs()).isEqualTo(30_000);
            assertThat(b.v6only()).isTrue();
            assertThat(b.unixMode()).isEqualTo(-1);
            assertThat(b.location()).isEqualTo(new Location("t.cfg", 2));
        }
        assertThat(binds.get(2).unixMode()).isEqualTo(0660);
        assertThat(binds.get(2).address().path()).isEqualTo("/run/f.sock");
        assertThat(binds.get(2).name()).isEmpty();
        assertThat(binds.get(2).maxconn()).isZero();
    }

    @Test
    void laterBindOptionsWin() {
        Config c = valid("frontend f\n    bind :0 v6only v4v6 maxconn 5 maxconn 6\n");
        Bind b = c.frontend("f").orElseThrow().binds().get(0);
        assertThat(b.v6only()).isFalse();
        assertThat(b.maxconn()).isEqualTo(6);
    }

    @Test
    void serverOptionsStartFromDefaultServer() {
        Config c = valid("""
                defaults
                    default-server maxqueue 7
                backend b
                    default-server weight 20 maxconn 30 disabled
                    server s1 127.0.0.1:8000
                    server s2 127.0.0.1:8001 weight 0 maxconn 0 enabled backup tcp-ut 1m
                backend c
                    server s3 127.0.0.1:8002
                """);
        var servers = c.backend("b").orElseThrow().servers();
        ServerOptions s1 = servers.get(0).options();
        assertThat(s1.weight()).isEqualTo(20);
        assertThat(s1.maxconn()).isEqualTo(30);
        assertThat(s1.maxqueue()).isEqualTo(7);
        assertThat(s1.disabled()).isTrue();
        assertThat(s1.backup()).isFalse();
        ServerOptions s2 = servers.get(1).options();
        assertThat(s2.weight()).isZero();
        assertThat(s2.maxconn()).isZero();
        assertThat(s2.disabled()).isFalse();
        assertThat(s2.backup()).isTrue();
        assertThat(s2.tcpUserTimeoutMs()).isEqualTo(60_000);
        assertThat(servers.get(1).location()).isEqualTo(new Location("t.cfg", 6));

        ServerOptions s3 = c.backend("c").orElseThrow().servers().get(0).options();
        assertThat(s3.weight()).isEqualTo(ServerOptions.DEFAULTS.weight());
        assertThat(s3.maxqueue()).isEqualTo(7);
        assertThat(s3.disabled()).isFalse();
    }

    @Test
    void serverDefaultsAreHaproxys() {
        ServerOptions d = ServerOptions.DEFAULTS;
        assertThat(d.weight()).isEqualTo(1);
        assertThat(d.maxconn()).isZero();
        assertThat(d.maxqueue()).isZero();
        assertThat(d.backup()).isFalse();
        assertThat(d.disabled()).isFalse();
    }
}
