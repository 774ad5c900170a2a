package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ferry -c} with the advisor: findings, {@code --explain} and {@code --format json}. */
class AdviceTest {

    static final String REPORT = "src/test/resources/seed/haproxy-seed.cfg";
    static final String FIXED = "src/test/resources/seed/haproxy-seed-fixed.cfg";

    @Test
    void findingsArePrintedAndTheCheckStillExitsZero() {
        InProcess r = InProcess.run("-c", "-f", REPORT);

        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("Warnings were found.\nConfiguration file is valid\n");
        String pid = "(" + ProcessHandle.current().pid() + ")";
        assertThat(r.err().lines()).contains("[WARNING]  " + pid + " : advice : [" + REPORT + ":19] frontend all: "
                + "timeout client 24h and no timeout client-fin: a client that vanishes holds its connection for 24h. "
                + "With maxconn 500 (global, " + REPORT + ":8), one vanished client every 24h/500 ≈ 2.9 min is enough "
                + "to keep frontend all full. Ferry reaps half-closed client connections after min(timeout client, "
                + "30s) = 30s when timeout client-fin is not set; HAProxy waits the whole 24h. "
                + "Fix: timeout client-fin 30s [long-timeout]");
    }

    @Test
    void quietModeDropsFindings() {
        InProcess r = InProcess.run("-c", "-q", "-f", REPORT);

        assertThat(r.status()).isZero();
        assertThat(r.err()).doesNotContain("advice");
    }

    @Test
    void theFixedConfigurationHasNothingToSay() {
        InProcess r = InProcess.run("-c", "-f", FIXED);

        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("Configuration file is valid\n");
    }

    @Test
    void explainPrintsEachFrontendsTimeline() {
        InProcess r = InProcess.run("-c", "--explain", "-f", REPORT);

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("frontend all (" + REPORT + ":15), mode http, maxconn 500 (global, " + REPORT
                + ":8)\n  to backend nginx (default_backend, " + REPORT + ":20)\n")
                .contains("    client half-closed   30s       Ferry's default min(timeout client 24h, 30s) "
                        + "(timeout client-fin not set) [" + REPORT + ":19]\n")
                .endsWith("Configuration file is valid\n");
    }

    @Test
    void jsonFormatPrintsOneDocumentOnStandardOutput() {
        InProcess r = InProcess.run("-c", "--format", "json", "--explain", "-f", REPORT);

        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("{\n  \"valid\": true,\n  \"exit\": 0,\n  \"diagnostics\": [\n    "
                + "{\"severity\":\"warning\",\"file\":\"" + REPORT + "\",\"line\":9,\"keyword\":\"nbproc\",")
                .contains("{\"severity\":\"warning\",\"file\":\"" + REPORT + "\",\"line\":19,\"subject\":\"frontend all\","
                        + "\"message\":\"timeout client 24h and no timeout client-fin")
                .contains("\"rule\":\"long-timeout\"}")
                .contains("\"explain\": \"frontend all (" + REPORT + ":15), mode http")
                .endsWith("\n}\n")
                .doesNotContain("Configuration file is valid");
    }

    @Test
    void jsonFormatOfAnInvalidConfigurationSaysWhyAndExitsOne() {
        InProcess r = InProcess.run("-c", "--format", "json", "-f", InProcess.FIXTURES + "invalid.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).startsWith("{\n  \"valid\": false,\n  \"exit\": 1,\n  \"diagnostics\": [\n    "
                + "{\"severity\":\"alert\",\"file\":\"" + InProcess.FIXTURES + "invalid.cfg\",\"line\":3,")
                .contains("\"findings\": []");
    }

    @Test
    void explainAndFormatGoWithCheckOnly() {
        InProcess explain = InProcess.run("--explain", "-f", REPORT);
        InProcess format = InProcess.run("-c", "--format", "yaml", "-f", REPORT);

        assertThat(explain.status()).isEqualTo(1);
        assertThat(explain.err()).contains("'--explain' goes with -c: ferry -c --explain -f FILE");
        assertThat(format.status()).isEqualTo(1);
        assertThat(format.err()).contains("option '--format' takes 'text' or 'json', got 'yaml'");
    }
}
