package io.ferry.cli;

import static io.ferry.cli.InProcess.FIXTURES;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.ConfigLoader;
import io.ferry.config.LoadResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Run mode with configurations that must never start a proxy; serving is tested in {@link ProcessTest}. */
class RunModeTest {

    @Test
    void invalidConfigurationNeverStarts() {
        InProcess r = InProcess.run("-d", "-f", FIXTURES + "invalid.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("invalid.cfg:3]").contains("invalid.cfg:8]")
                .contains("config : Fatal errors found in configuration.")
                .doesNotContain("Cannot serve").doesNotContain("Loading success");
    }

    @Test
    void configurationWithoutListenerIsRefused() {
        InProcess r = InProcess.run("-f", FIXTURES + "no-listener.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(
                "[ferry.main()] No enabled listener found (check for 'bind' directives) ! Exiting.");
    }

    @Test
    void zeroWarningModeRefusesToStart() {
        InProcess r = InProcess.run("-dW", "-f", FIXTURES + "warning.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("'zero-warning' is set. Aborting.").doesNotContain("Cannot serve");
    }

    @Test
    void demoConfigurationIsValidAndNamesTheRealPorts() {
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build()
                .loadText("demo.cfg", DemoCommand.text("127.0.0.1", 18999, 41001, 41002));

        assertThat(r.diagnostics()).isEmpty();
        var config = r.valid().orElseThrow();
        assertThat(config.frontends()).hasSize(1);
        assertThat(config.frontends().get(0).binds().get(0).address().toString()).isEqualTo("127.0.0.1:18999");
        assertThat(config.backends().stream().map(p -> p.name()).toList()).isEqualTo(List.of("site", "chat"));
        assertThat(config.backends().stream().map(p -> p.servers().get(0).address().toString()).toList())
                .isEqualTo(List.of("127.0.0.1:41001", "127.0.0.1:41002"));
    }

    @Test
    void demoPortMustBeAPortNumber() {
        assertThat(InProcess.run("demo", "--port", "0").err())
                .contains("option '--port' takes a port number from 1 to 65535, got '0'");
        InProcess fromEnv = InProcess.run(Map.of("FERRY_DEMO_PORT", "http"), "demo");
        assertThat(fromEnv.status()).isEqualTo(1);
        assertThat(fromEnv.err()).contains("FERRY_DEMO_PORT takes a port number from 1 to 65535, got 'http'");
    }

    @Test
    void demoTakesNoConfigurationFile() {
        InProcess r = InProcess.run("demo", "-f", "x.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("'demo' takes --port N, --print-config, -d or -q, got '-f'");
    }
}
