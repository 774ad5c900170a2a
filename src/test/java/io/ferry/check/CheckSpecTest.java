package io.ferry.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Config;
import io.ferry.config.Proxy;
import io.ferry.testing.Configs;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class CheckSpecTest {

    private static CheckSpec spec(String backend, int server) {
        Config c = Configs.parse(backend);
        Proxy p = c.backends().get(0);
        return CheckSpec.of(p, p.servers().get(server));
    }

    @Test
    void withoutTimeoutCheckTheWholeCheckMustEndWithinInter() {
        CheckSpec s = spec("""
                defaults
                    timeout connect 5s
                backend b
                    server s 127.0.0.1:80 check inter 3s
                """, 0);
        assertThat(s.connectTimeoutMs()).isEqualTo(3000);
        assertThat(s.responseTimeoutMs()).isEqualTo(-1);
    }

    @Test
    void timeoutCheckBoundsTheAnswerAndMinOfConnectAndInterTheConnection() {
        CheckSpec s = spec("""
                defaults
                    timeout connect 1s
                    timeout check 700
                backend b
                    server s 127.0.0.1:80 check inter 3s
                    server t 127.0.0.1:80 check inter 500
                """, 0);
        assertThat(s.connectTimeoutMs()).isEqualTo(1000);
        assertThat(s.responseTimeoutMs()).isEqualTo(700);
        assertThat(spec("""
                defaults
                    timeout connect 1s
                    timeout check 700
                backend b
                    server t 127.0.0.1:80 check inter 500
                """, 0).connectTimeoutMs()).isEqualTo(500);
    }

    @Test
    void intervalsFollowThePhase() {
        CheckSpec s = spec("backend b\n    server s 127.0.0.1:80 check inter 2s fastinter 500 downinter 10s\n", 0);
        assertThat(s.interval(CheckSpec.Phase.HEALTHY)).isEqualTo(2000);
        assertThat(s.interval(CheckSpec.Phase.CHANGING)).isEqualTo(500);
        assertThat(s.interval(CheckSpec.Phase.DOWN)).isEqualTo(10000);
        CheckSpec plain = spec("backend b\n    server s 127.0.0.1:80 check inter 2s\n", 0);
        assertThat(plain.interval(CheckSpec.Phase.CHANGING)).isEqualTo(2000);
        assertThat(plain.interval(CheckSpec.Phase.DOWN)).isEqualTo(2000);
    }

    @Test
    void addrAndPortOverrideTheTargetAndNoPortMeansNoCheck() {
        assertThat(spec("backend b\n    server s 127.0.0.1:80 check addr 127.0.0.2 port 8081\n", 0).target())
                .isEqualTo(new InetSocketAddress("127.0.0.2", 8081));
        assertThat(spec("backend b\n    server s 127.0.0.1:80 check\n", 0).target())
                .isEqualTo(new InetSocketAddress("127.0.0.1", 80));
        assertThat(spec("backend b\n    server s 127.0.0.1 check\n", 0)).isNull();
        assertThat(spec("backend b\n    option tcp-check\n    tcp-check connect port 6379\n"
                + "    server s 127.0.0.1:80 check\n", 0).target()).isEqualTo(new InetSocketAddress("127.0.0.1", 6379));
    }

    @Test
    void aUnixSocketServerIsCheckedOnItsSocket() {
        assertThat(spec("backend b\n    server s unix@/run/app.sock check\n", 0).target())
                .isEqualTo(new io.netty.channel.unix.DomainSocketAddress("/run/app.sock"));
    }
}
