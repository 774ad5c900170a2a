package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionAndVersionTest {

    @Test
    void trueConditionExitsZeroAndFalseOne() {
        Map<String, String> env = Map.of("STAGE", "prod");

        assertThat(InProcess.run(env, "-cc", "defined(STAGE) && streq(\"${STAGE}\",prod)").status()).isZero();
        assertThat(InProcess.run(env, "-cc", "defined(NOT_SET)").status()).isEqualTo(1);
        assertThat(InProcess.run(env, "-cc", "feature(THREAD)").status()).isZero();
        assertThat(InProcess.run(env, "-cc", "feature(OPENSSL)").status()).isEqualTo(1);
        assertThat(InProcess.run(env, "-cc", "version_atleast(2.4) && version_before(2.7)").status()).isZero();
        assertThat(InProcess.run(env, "-cc", "").status()).isEqualTo(1);
        assertThat(InProcess.run(env, "-L", "edge1", "-cc", "streq(\"${HAPROXY_LOCALPEER}\",edge1)").status())
                .isZero();
    }

    @Test
    void localPeerDefaultsToTheHostName() {
        assertThat(InProcess.run("-cc", "defined(HAPROXY_LOCALPEER) && strneq(\"${HAPROXY_LOCALPEER}\",\"\")")
                .status()).isZero();
    }

    @Test
    void conditionsPrintNothingWhenWellFormed() {
        InProcess r = InProcess.run("-cc", "1");

        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void malformedConditionExitsTwoAndSaysWhy() {
        InProcess r = InProcess.run("-cc", "defined(HOME) &&");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("[ALERT]    (" + ProcessHandle.current().pid() + ") : config : Failed to evaluate"
                + " condition: expected a term at position 17 in condition 'defined(HOME) &&'");
        assertThat(InProcess.run("-cc", "bogus(1)").err()).contains("unknown predicate 'bogus()'");
        assertThat(InProcess.run("-cc", "bogus(1)").status()).isEqualTo(2);
    }

    @Test
    void versionNamesFerryAndTheLanguageLevel() {
        InProcess r = InProcess.run("-v");

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("Ferry version " + Version.number()
                + " - reads the configuration language of HAProxy 2.6\nRunning on: ");
        assertThat(Version.number()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void buildInfoAddsRuntimeLibrariesAndFeatures() {
        InProcess r = InProcess.run("-vv");

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith(InProcess.run("-v").out())
                .contains("  JAVA    = " + System.getProperty("java.version"))
                .containsPattern("  NETTY   = 4\\.2\\.\\d+\\.Final")
                .containsPattern("Feature list : [+-]EPOLL [+-]IO_URING .*\\+THREAD")
                .contains("-OPENSSL")
                .containsPattern("will use (io_uring \\(epoll with 'noiouring' or an fd@ listener\\)|epoll|nio)\\.");
    }

    @Test
    void featureListAndConditionsAgree() {
        Features.all().forEach((name, on) ->
                assertThat(InProcess.run("-cc", "feature(" + name + ")").status()).as(name).isEqualTo(on ? 0 : 1));
    }

    @Test
    void unknownOptionPrintsUsageAndExitsOne() {
        InProcess r = InProcess.run("-Z");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("[ALERT]    (" + ProcessHandle.current().pid() + ") : unknown option '-Z'")
                .contains(Usage.TEXT);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void haproxyOptionsFerryLacksAreNamed() {
        InProcess r = InProcess.run("-sf", "123", "-f", "x.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("option '-sf' is a HAProxy option that Ferry does not support")
                .contains("Usage : ferry");
    }

    @Test
    void optionWithoutItsValueIsAUsageError() {
        InProcess r = InProcess.run("-c", "-f");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("option '-f' needs a value: -f FILE|DIR").contains("Usage : ferry");
    }

    @Test
    void strayArgumentSuggestsMinusF() {
        InProcess r = InProcess.run("-c", "haproxy.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("unexpected argument 'haproxy.cfg'; name configuration files with -f haproxy.cfg");
    }

    @Test
    void helpGoesToStandardOutput() {
        InProcess r = InProcess.run("-h");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(Usage.TEXT);
    }
}
