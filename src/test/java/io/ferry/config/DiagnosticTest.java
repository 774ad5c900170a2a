package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiagnosticTest {

    private static final Location AT = new Location("haproxy.cfg", 6);

    @Test
    void formatNamesSeverityFileLineKeywordMessageAndFix() {
        Diagnostic d = Diagnostic.alert(AT, "mode", "unknown proxy mode 'smtp'", "use 'mode http' or 'mode tcp'");
        assertThat(d.format()).isEqualTo("[ALERT]    config : parsing [haproxy.cfg:6] : 'mode' : unknown proxy mode "
                + "'smtp'. Fix: use 'mode http' or 'mode tcp'");
        assertThat(d.isError()).isTrue();
        assertThat(Diagnostic.warning(AT, "nbproc", "obsolete", "").format())
                .isEqualTo("[WARNING]  config : parsing [haproxy.cfg:6] : 'nbproc' : obsolete");
    }

    @Test
    void anErrorAboutTheKeywordItselfQuotesItInItsMessage() {
        LoadResult r = ConfigLoader.builder().build().loadText("haproxy.cfg", "    maxconn 500\nglobal\n    mxaconn 5\n");
        assertThat(r.errors()).extracting(Diagnostic::format).containsExactly(
                "[ALERT]    config : parsing [haproxy.cfg:1] : 'maxconn' appears outside of any section. Fix: start a "
                        + "section before it, e.g. 'global', 'defaults', 'frontend NAME' or 'backend NAME'",
                "[ALERT]    config : parsing [haproxy.cfg:3] : unknown keyword 'mxaconn' in 'global' section. Fix: did "
                        + "you mean 'maxconn'?");
    }

    @Test
    void withoutLocationOrKeyword() {
        Diagnostic d = Diagnostic.alert(Location.NONE, "", "no configuration file given", "name one with -f FILE");
        assertThat(d.format()).isEqualTo("[ALERT]    config : no configuration file given. Fix: name one with -f FILE");
        assertThat(new Diagnostic(Diagnostic.Severity.NOTICE, AT, null, "hello.", null).format())
                .isEqualTo("[NOTICE]   config : parsing [haproxy.cfg:6] : hello.");
    }
}
