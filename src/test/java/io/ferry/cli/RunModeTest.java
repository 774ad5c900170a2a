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
    void demoConfigurationIsValidAndListensOnTheChosenPort() {
        ConfigLoader loader = ConfigLoader.builder().environment(Map.of("FERRY_DEMO_PORT", "18999")).build();
        LoadResult r = loader.loadText("demo.cfg", DemoCommand.text());

        assertThat(r.diagnostics()).isEmpty();
        var config = r.valid().orElseThrow();
        assertThat(config.frontends()).hasSize(1);
        assertThat(config.frontends().get(0).binds().get(0).address().toString()).isEqualTo("127.0.0.1:18999");
        assertThat(config.backends().stream().map(p -> p.name()).toList()).isEqualTo(List.of("site", "chat"));
    }

    @Test
    void demoListensOn8080ByDefault() {
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build().loadText("demo.cfg", DemoCommand.text());

        assertThat(r.valid().orElseThrow().frontends().get(0).binds().get(0).address().toString())
                .isEqualTo("127.0.0.1:8080");
    }

    @Test
    void demoTakesNoConfigurationFile() {
        InProcess r = InProcess.run("demo", "-f", "x.cfg");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("'demo' takes no argument but -d or -q, got '-f'");
    }
}
