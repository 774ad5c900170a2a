package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketActivationTest {

    @Test
    void eachNamedDescriptorBecomesAVariableFromThreeOn() {
        assertThat(ConfigLoading.socketActivation(Map.of("LISTEN_FDS", "3", "LISTEN_FDNAMES", "web:admin:",
                "LISTEN_PID", "42"), 42)).isEqualTo(Map.of("web", "3", "admin", "4"));
    }

    @Test
    void descriptorsMeantForAnotherProcessAreNotNamed() {
        assertThat(ConfigLoading.socketActivation(Map.of("LISTEN_FDS", "1", "LISTEN_FDNAMES", "web",
                "LISTEN_PID", "41"), 42)).isEmpty();
        assertThat(ConfigLoading.socketActivation(Map.of("LISTEN_FDS", "x", "LISTEN_FDNAMES", "web"), 42)).isEmpty();
    }

    @Test
    void aVariableAlreadySetWins() throws UsageException {
        Options options = OptionParser.parse(java.util.List.of("-L", "peer", "-f", "x.cfg"));
        Map<String, String> seen = ConfigLoading.environment(options, Map.of("LISTEN_FDS", "1", "LISTEN_FDNAMES",
                "web", "web", "9"));
        assertThat(seen).containsEntry("web", "9");
    }
}
