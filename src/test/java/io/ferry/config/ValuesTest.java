package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Times, sizes and integers. Which times HAProxy 2.6 accepts was checked with {@code haproxy -c}. */
class ValuesTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource(textBlock = """
            0,            0
            4000,         4000
            10ms,         10
            1us,          1
            100us,        1
            1000us,       1
            1001us,       2
            10s,          10000
            30m,          1800000
            2h,           7200000
            24d,          2073600000
            596h,         2145600000
            35791m,       2147460000
            2147483647,   2147483647
            2147483647ms, 2147483647
            """)
    void timesWithUnits(String text, long ms) {
        assertThat(Values.time(text, "timeout client")).isEqualTo(ms);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "25d", "597h", "35792m", "2147484s", "99999999999999999999",
        "9999999999999999999999999999999999999999d"})
    void timerOverflowPastTheLargestTime(String text) {
        assertThatThrownBy(() -> Values.time(text, "timeout client"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("timer overflow in argument '" + text
                        + "' to 'timeout client' (maximum value is 2147483647 ms or ~24.8 days)")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix())
                        .isEqualTo("use a value of at most 24d, or 0 for no timeout"));
    }

    @ParameterizedTest(name = "{0}: unexpected ''{1}''")
    @CsvSource(textBlock = """
            1.5s,  .
            10S,   S
            24D,   D
            10M,   M
            1H,    H
            0x10,  x
            30sec, e
            1m30s, 3
            10msx, x
            """)
    void onlyIntegersWithLowerCaseUnits(String text, char unexpected) {
        assertThatThrownBy(() -> Values.time(text, "timeout client"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("unexpected character '" + unexpected + "' in time '" + text + "' for 'timeout client'")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).contains("us, ms, s, m, h, d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+5", "s", "ms", " 10"})
    void timeMustStartWithDigits(String text) {
        assertThatThrownBy(() -> Values.time(text, "timeout server"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("invalid time '" + text + "' for 'timeout server'")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).endsWith("e.g. 'timeout server 30s'"));
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(textBlock = """
            0,          0
            16384,      16384
            16k,        16384
            16K,        16384
            1m,         1048576
            2M,         2097152
            1g,         1073741824
            3g,         3221225472
            4294967295, 4294967295
            """)
    void sizesWithSuffixes(String text, long bytes) {
        assertThat(Values.size(text, "tune.bufsize")).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k", "16kb", "1.5k", "-1", "16t", "9999999999999k"})
    void invalidSizes(String text) {
        assertThatThrownBy(() -> Values.size(text, "tune.bufsize"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("invalid size '" + text + "' for 'tune.bufsize'")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).contains("k, m or g"));
    }

    @Test
    void sizesAboveFourGigabytesAreRefused() {
        assertThatThrownBy(() -> Values.size("4g", "tune.bufsize"))
                .hasMessage("size '4g' for 'tune.bufsize' is too large")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).contains("4294967295"));
        assertThatThrownBy(() -> Values.size("4294967296", "tune.bufsize")).hasMessageContaining("too large");
    }

    @Test
    void integersWithinRange() {
        assertThat(Values.integer("500", "maxconn", 1, 10_000_000)).isEqualTo(500);
        assertThat(Values.integer("0", "weight", 0, 256)).isZero();
        assertThat(Values.integer("-5", "x", -10, 10)).isEqualTo(-5);
        assertThat(Values.integer("256", "weight", 0, 256)).isEqualTo(256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "1.0", "1e3", "0x10", "12a", "+5", "1234567890123456789", "five"})
    void nonIntegersAreRefused(String text) {
        assertThatThrownBy(() -> Values.integer(text, "maxconn", 1, 100))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("'" + text + "' is not an integer for 'maxconn'")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).isEqualTo("write a decimal integer between 1 and 100"));
    }

    @Test
    void integersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> Values.integer("257", "weight", 0, 256))
                .hasMessage("value 257 for 'weight' is out of range")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).isEqualTo("use a value between 0 and 256"));
        assertThatThrownBy(() -> Values.integer("0", "maxconn", 1, 100)).hasMessage("value 0 for 'maxconn' is out of range");
        assertThatThrownBy(() -> Values.integer("999999999999999999", "maxconn", 1, 100))
                .hasMessage("value 999999999999999999 for 'maxconn' is out of range");
    }
}
