package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessSignalsTest {

    private static boolean shared(String srSignum) {
        return ProcessSignals.jvmSuspendsWithUsr2(srSignum == null ? Map.of() : Map.of("_JAVA_SR_SIGNUM", srSignum));
    }

    @Test
    void theJvmKeepsSigusr2UnlessTheVariableNamesAnotherSignalItAccepts() {
        assertThat(shared(null)).as("unset").isTrue();
        assertThat(shared("39")).isFalse();
        assertThat(shared(" 39 ")).isFalse();
        assertThat(shared("+39")).isFalse();
        assertThat(shared("39x")).as("strtol reads the leading digits").isFalse();
        assertThat(shared("12")).as("SIGUSR2 itself").isTrue();
        assertThat(shared("abc")).as("not a number: HotSpot keeps its default").isTrue();
        assertThat(shared("5")).as("at or below SIGSEGV: refused").isTrue();
        assertThat(shared("70")).as("beyond the last signal: refused").isTrue();
        assertThat(shared("")).isTrue();
    }
}
