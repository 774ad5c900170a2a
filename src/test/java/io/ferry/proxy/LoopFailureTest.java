package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.testing.Configs;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An event loop that stops before Ferry is closed leaves its connections and listening sockets
 * unserved: {@link Ferry#awaitClose()} returns and {@link Ferry#failure()} says which loop, so that
 * {@code ferry -f} ends (status 1) for its supervisor to start it again, as a crashed HAProxy would.
 */
class LoopFailureTest extends FerryTestBase {

    private static final String CONFIG = """
            global
                nbthread 2
            listen www
                mode tcp
                bind 127.0.0.1:0
                timeout client 5s
                timeout server 5s
                timeout connect 1s
                server s1 127.0.0.1:9
            """;

    @Test
    void aLoopThatStopsEndsAwaitCloseAndIsNamed() {
        ferry = Ferry.start(Configs.parse(CONFIG));
        assertThat(ferry.failure()).isEmpty();
        EventExecutor second = null;
        int i = 0;
        for (EventExecutor loop : ferry.loops().group) {
            if (++i == 2) {
                second = loop;
            }
        }
        second.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ferry.awaitClose());
        assertThat(ferry.failure()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("the event loop thread multiThreadIoEventLoopGroup-")
                .contains("stopped unexpectedly").contains("no longer served"));
        // Closing what is left still works (the base class closes it after the test).
    }

    @Test
    void closingIsNoFailure() throws Exception {
        Ferry f = Ferry.start(Configs.parse(CONFIG));
        f.close();
        f.awaitClose();
        assertThat(f.failure()).isEmpty();
    }
}
