package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.net.Descriptors;
import io.ferry.testing.Configs;
import org.junit.jupiter.api.Test;

/** The global maxconn derived from the descriptor limit, and ulimit-n, as HAProxy has them. */
class DescriptorLimitTest extends FerryTestBase {

    private static final String FRONTEND = """
            frontend web
                bind 127.0.0.1:0
                default_backend site
            backend site
                server s1 127.0.0.1:9
            """;

    @Test
    void twoDescriptorsPerConnectionOnceTheReservedAreCounted() {
        assertThat(Descriptors.derivedMaxconn(20_000, 100)).isEqualTo(9950);
        assertThat(Descriptors.derivedMaxconn(1024, 24)).isEqualTo(500);
        // HAProxy's floor, even when the limit leaves less.
        assertThat(Descriptors.derivedMaxconn(150, 100)).isEqualTo(100);
        assertThat(Descriptors.needed(1000, 50)).isEqualTo(2050);
    }

    @Test
    void anUnsetMaxconnIsDerivedFromUlimitN() {
        long open = Descriptors.open();
        ferry = Ferry.start(Configs.parse("global\n    ulimit-n 1000\n" + Configs.HTTP_DEFAULTS + FRONTEND));
        // (1000 - descriptors open at start - 1 listener - 1 server) / 2, give or take what the start opened.
        assertThat(ferry.derivedMaxconn()).isBetween(100, (int) (1000 - open) / 2);
    }

    @Test
    void aSetMaxconnIsKeptAndSaidToNeedMoreThanTheLimit() {
        ferry = Ferry.start(Configs.parse("global\n    maxconn 10000000\n" + Configs.HTTP_DEFAULTS + FRONTEND));
        assertThat(ferry.derivedMaxconn()).isZero();
        assertThat(ferry.notices()).anySatisfy(n -> assertThat(n)
                .startsWith("global maxconn 10000000 (test.cfg:2) needs about 2000")
                .contains("file descriptors but this process may open only " + Descriptors.limit().getAsLong())
                .endsWith("raise the limit (LimitNOFILE= in the systemd unit, or ulimit -n) or lower maxconn"));
    }

    @Test
    void ulimitNBeyondTheProcessLimitIsRefusedWithWhereToRaiseIt() {
        long limit = Descriptors.limit().getAsLong();
        long asked = Math.min(Integer.MAX_VALUE, limit + 1);
        var config = Configs.parse("global\n    ulimit-n " + asked + "\n" + Configs.HTTP_DEFAULTS + FRONTEND);
        assertThatThrownBy(() -> Ferry.start(config)).isInstanceOf(IllegalStateException.class)
                .hasMessage("'ulimit-n " + asked + "' (global): this process may open only " + limit
                        + " descriptors and Java cannot raise that limit; raise it before Ferry starts (LimitNOFILE="
                        + asked + " in its systemd unit, or ulimit -n " + asked + ")");
    }
}
