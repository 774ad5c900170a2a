package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.cli.Options.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptionParserTest {

    @Test
    void readsHaproxysFlags() throws UsageException {
        Options o = OptionParser.parse(List.of("-W", "-D", "-p", "/run/ferry.pid", "-L", "edge1", "-f", "a.cfg",
                "-f", "conf.d", "-dD", "-q"));

        assertThat(o.command()).isEqualTo(Command.RUN);
        assertThat(o.configs()).containsExactly(Path.of("a.cfg"), Path.of("conf.d"));
        assertThat(o.daemon()).isTrue();
        assertThat(o.foreground()).isFalse();
        assertThat(o.pidfile()).contains(Path.of("/run/ferry.pid"));
        assertThat(o.localPeer()).contains("edge1");
        assertThat(o.diagnostics()).isTrue();
        assertThat(o.quiet()).isTrue();
    }

    @Test
    void debugMeansForeground() throws UsageException {
        Options d = OptionParser.parse(List.of("-D", "-d", "-f", "a.cfg"));
        Options db = OptionParser.parse(List.of("-D", "-db", "-f", "a.cfg"));

        assertThat(d.debug()).isTrue();
        assertThat(d.foreground()).isTrue();
        assertThat(db.debug()).isFalse();
        assertThat(db.foreground()).isTrue();
    }

    @Test
    void versionAndHelpWinOverOtherCommands() throws UsageException {
        assertThat(OptionParser.parse(List.of("-c", "-v")).command()).isEqualTo(Command.VERSION);
        assertThat(OptionParser.parse(List.of("-vv", "-v")).command()).isEqualTo(Command.BUILD_INFO);
        assertThat(OptionParser.parse(List.of("-cc", "1", "-h")).command()).isEqualTo(Command.HELP);
        assertThat(OptionParser.parse(List.of("-c", "-cc", "1")).command()).isEqualTo(Command.CONDITION);
    }

    @Test
    void unknownOptionIsRefused() {
        assertThatThrownBy(() -> OptionParser.parse(List.of("-vvv"))).isInstanceOf(UsageException.class)
                .hasMessage("unknown option '-vvv'");
        assertThatThrownBy(() -> OptionParser.parse(List.of("-dM0x42"))).isInstanceOf(UsageException.class)
                .hasMessage("option '-dM0x42' is a HAProxy option that Ferry does not support");
    }

    @Test
    void daemonChildGetsTheCommandLineWithoutDaemonAndPidfile() {
        assertThat(DaemonLauncher.childArgs(List.of("-D", "-p", "-D", "-f", "-D", "-L", "-p", "-q")))
                .containsExactly("-f", "-D", "-L", "-p", "-q", "-db");
        assertThat(DaemonLauncher.childArgs(List.of("-D", "-f", "a.cfg", "--", "b.cfg", "-D")))
                .containsExactly("-f", "a.cfg", "-db", "--", "b.cfg", "-D");
    }

    @Test
    void noArgumentsAtAllIsAUsageError() {
        assertThatThrownBy(() -> OptionParser.parse(List.of())).isInstanceOf(UsageException.class)
                .hasMessage("no configuration file given: name one with -f FILE|DIR, or try 'ferry demo'");
    }

    @Test
    void flagsWithoutFileMeanRunWithNoFile() throws UsageException {
        Options o = OptionParser.parse(List.of("-d"));

        assertThat(o.command()).isEqualTo(Command.RUN);
        assertThat(o.configs()).isEmpty();
        assertThat(o.pidfile()).isEqualTo(Optional.empty());
    }
}
