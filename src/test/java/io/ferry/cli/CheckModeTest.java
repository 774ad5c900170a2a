package io.ferry.cli;

import static io.ferry.cli.InProcess.FIXTURES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckModeTest {

    @Test
    void validConfigurationSaysSoAndExitsZero() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "valid.cfg");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("Configuration file is valid\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void invalidConfigurationPrintsEveryErrorWithFileAndLine() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "invalid.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        String pid = "(" + ProcessHandle.current().pid() + ")";
        assertThat(r.err().lines().toList()).containsSubsequence(
                "[NOTICE]   " + pid + " : ferry version is " + Version.number(),
                "[ALERT]    " + pid + " : config : parsing [" + FIXTURES + "invalid.cfg:3] : unknown keyword"
                        + " 'timeout clinet'; 'timeout' supports 'client', 'server', 'connect', 'queue',"
                        + " 'http-request', 'http-keep-alive', 'tunnel', 'client-fin', 'server-fin', 'check'"
                        + " (got 'clinet'). Fix: did you mean 'timeout client'?",
                "[ALERT]    " + pid + " : config : Error(s) found in configuration file : " + FIXTURES + "invalid.cfg",
                "[ALERT]    " + pid + " : config : Fatal errors found in configuration.");
        assertThat(r.err()).contains("config : parsing [" + FIXTURES + "invalid.cfg:8] : unknown keyword 'frobnicate'");
    }

    @Test
    void directoryLoadsItsVisibleCfgFilesInByteOrder() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "conf.d");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("Configuration file is valid\n");
        // "10-..." sorts before "9-..." byte by byte; .hidden.cfg and README.txt are not read.
        assertThat(r.err().lines().toList()).containsExactly(
                notice("config : parsing [" + FIXTURES + "conf.d/10-frontend.cfg:1] : loading 10-frontend"),
                notice("config : parsing [" + FIXTURES + "conf.d/9-backend.cfg:1] : loading 9-backend"));
    }

    @Test
    void severalFilesAreReadInTheOrderGiven() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "conf.d/9-backend.cfg", "-f",
                FIXTURES + "conf.d/10-frontend.cfg");

        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("loading 9-backend\n" + notice("config : parsing ["));
    }

    @Test
    void missingFileIsAnError() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "absent.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("[ALERT]    (" + ProcessHandle.current().pid() + ") : config : configuration file '"
                + FIXTURES + "absent.cfg' does not exist. Fix: check the path given to -f");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void directoryWithoutCfgFilesIsAnError(@TempDir Path dir) {
        InProcess r = InProcess.run("-c", "-f", dir.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("configuration directory '" + dir + "' holds no *.cfg file");
    }

    @Test
    void noFileAtAllIsAnError() {
        InProcess r = InProcess.run("-c");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("config : no configuration file given. Fix: name one with -f FILE or -f DIRECTORY");
    }

    @Test
    void configurationWithoutListenerExitsTwoLikeHaproxy() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "no-listener.cfg");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("Configuration file has no error but will not start (no listener) => exit(2).\n");
    }

    @Test
    void warningsArePrintedAndTheConfigurationStaysValid() {
        InProcess r = InProcess.run("-c", "-f", FIXTURES + "warning.cfg");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("Warnings were found.\nConfiguration file is valid\n");
        assertThat(r.err()).contains("[WARNING]  (" + ProcessHandle.current().pid() + ") : config : parsing ["
                + FIXTURES + "warning.cfg:2] : 'nbproc' : nbproc is obsolete");
    }

    @Test
    void quietModeHidesWarningsNoticesAndTheVerdict() {
        InProcess r = InProcess.run("-q", "-c", "-f", FIXTURES + "warning.cfg");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void quietModeStillExplainsErrors() {
        InProcess r = InProcess.run("-q", "-c", "-f", FIXTURES + "invalid.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("invalid.cfg:3]").contains("invalid.cfg:8]").doesNotContain("[NOTICE]");
    }

    @Test
    void verboseUndoesQuiet() {
        InProcess r = InProcess.run("-q", "-V", "-c", "-f", FIXTURES + "warning.cfg");

        assertThat(r.err()).contains("[WARNING]");
    }

    @Test
    void zeroWarningModeMakesAWarningFatal() {
        InProcess r = InProcess.run("-dW", "-c", "-f", FIXTURES + "warning.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("[WARNING]").contains(
                "config : Some warnings were found and 'zero-warning' is set. Aborting.");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void filesAfterDoubleDashAreConfigurations() {
        InProcess r = InProcess.run("-c", "--", FIXTURES + "valid.cfg");

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("Configuration file is valid\n");
    }

    @Test
    void localPeerIsSeenAsHaproxyLocalpeer(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("peer.cfg");
        java.nio.file.Files.writeString(cfg, """
                .if streq("${HAPROXY_LOCALPEER}",edge1)
                .notice "peer is ${HAPROXY_LOCALPEER}"
                .endif
                """ + java.nio.file.Files.readString(Path.of(FIXTURES + "valid.cfg")));

        InProcess r = InProcess.run("-c", "-L", "edge1", "-f", cfg.toString());

        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("[" + cfg + ":2] : peer is edge1");
    }

    @Test
    void diagnosticMessagesShowOnlyInDiagnosticMode(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("diag.cfg");
        java.nio.file.Files.writeString(cfg, ".diag \"looking closer\"\n"
                + java.nio.file.Files.readString(Path.of(FIXTURES + "valid.cfg")));

        assertThat(InProcess.run("-c", "-f", cfg.toString()).err()).doesNotContain("looking closer");
        InProcess r = InProcess.run("-dD", "-c", "-f", cfg.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("[DIAG]     (" + ProcessHandle.current().pid() + ") : config : parsing [" + cfg
                + ":1] : looking closer");
    }

    private static String notice(String message) {
        return "[NOTICE]   (" + ProcessHandle.current().pid() + ") : " + message;
    }
}
