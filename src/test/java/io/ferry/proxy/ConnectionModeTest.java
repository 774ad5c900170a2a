package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionModeTest {

    /** A frontend's mode with its backend's: the more closing one wins, whichever side it is on. */
    @ParameterizedTest(name = "{0} with {1}: {2}")
    @CsvSource({
        "KEEP_ALIVE, KEEP_ALIVE, KEEP_ALIVE",
        "KEEP_ALIVE, SERVER_CLOSE, SERVER_CLOSE",
        "SERVER_CLOSE, KEEP_ALIVE, SERVER_CLOSE",
        "KEEP_ALIVE, CLOSE, CLOSE",
        "CLOSE, KEEP_ALIVE, CLOSE",
        "SERVER_CLOSE, CLOSE, CLOSE",
        "CLOSE, SERVER_CLOSE, CLOSE",
        "SERVER_CLOSE, SERVER_CLOSE, SERVER_CLOSE",
        "CLOSE, CLOSE, CLOSE",
    })
    void theMoreClosingModeWins(ConnectionMode frontend, ConnectionMode backend, ConnectionMode expected) {
        assertThat(frontend.with(backend)).isEqualTo(expected);
    }
}
