package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.ferry.net.Transport;
import io.ferry.testing.Configs;
import org.junit.jupiter.api.Test;

/** {@code bind fd@N} with a descriptor that is no listening socket (the working case runs in a real process: LifecycleTest). */
class InheritedListenerTest {

    @Test
    void aDescriptorThatIsNotAnOpenListeningSocketIsAnErrorNamingIt() {
        assumeThat(Transport.EPOLL.isAvailable()).isTrue();
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend web
                    bind fd@987
                    default_backend site
                backend site
                    server s1 127.0.0.1:9
                """);
        assertThatThrownBy(() -> Ferry.start(config)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot use bind fd@987 (frontend web at test.cfg:7): descriptor 987 is not");
    }

    @Test
    void withoutEpollItIsRefusedAtStart() {
        var config = Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend web
                    bind fd@3
                    default_backend site
                backend site
                    server s1 127.0.0.1:9
                """);
        org.assertj.core.api.Assertions.assertThat(RuntimeSupport.problems(config, Transport.NIO)).containsExactly(
                "test.cfg:7: 'bind fd@3' (frontend web) is not implemented yet: Ferry's runtime has no inherited "
                        + "listening sockets (fd@) without the epoll transport (Java NIO cannot take over a descriptor) so far");
    }
}
