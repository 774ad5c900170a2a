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
    void keywordIsNotRepeatedWhenTheMessageQuotesIt() {
        assertThat(Diagnostic.alert(AT, "maxconn", "'maxconn' appears outside of any section", "x").describe())
                .isEqualTo("parsing [haproxy.cfg:6] : 'maxconn' appears outside of any section. Fix: x");
        assertThat(Diagnostic.alert(AT, "timeout", "'timeout server' is not allowed in a 'frontend' section", "")
                .describe()).isEqualTo("parsing [haproxy.cfg:6] : 'timeout server' is not allowed in a 'frontend' section");
        assertThat(Diagnostic.alert(AT, "no option", "'option foo' is an HAProxy keyword", "").describe())
                .isEqualTo("parsing [haproxy.cfg:6] : 'option foo' is an HAProxy keyword");
        assertThat(Diagnostic.alert(AT, "timeout", "unknown keyword 'timeout clinet'", "").describe())
                .isEqualTo("parsing [haproxy.cfg:6] : 'timeout' : unknown keyword 'timeout clinet'");
        assertThat(Diagnostic.alert(AT, "mode", "'modes' is odd", "").describe())
                .isEqualTo("parsing [haproxy.cfg:6] : 'mode' : 'modes' is odd");
    }

    @Test
    void withoutLocationOrKeyword() {
        Diagnostic d = Diagnostic.alert(Location.NONE, "", "no configuration file given", "name one with -f FILE");
        assertThat(d.format()).isEqualTo("[ALERT]    config : no configuration file given. Fix: name one with -f FILE");
        assertThat(new Diagnostic(Diagnostic.Severity.NOTICE, AT, null, "hello.", null).format())
                .isEqualTo("[NOTICE]   config : parsing [haproxy.cfg:6] : hello.");
    }
}
