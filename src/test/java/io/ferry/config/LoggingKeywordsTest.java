package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoggingKeywordsTest extends KeywordTestSupport {

    @Test
    void globalLogTargetsOfEveryKind() {
        Config c = load("""
                global
                    log stdout format raw local0
                    log stderr len 4096 daemon warning
                    log /dev/log local1 info notice
                    log unix@/run/log.sock user
                    log 127.0.0.1 local2
                    log udp@127.0.0.1:1514 format rfc5424 local3 debug
                    log fd@1 format short local4
                """);
        List<LogTarget> logs = c.global().logs();
        assertThat(logs).extracting(LogTarget::kind).containsExactly(LogTarget.Kind.STDOUT, LogTarget.Kind.STDERR,
                LogTarget.Kind.UNIX, LogTarget.Kind.UNIX, LogTarget.Kind.UDP, LogTarget.Kind.UDP, LogTarget.Kind.STDOUT);
        assertThat(logs.get(0).format()).isEqualTo(LogTarget.Format.RAW);
        assertThat(logs.get(0).facility()).isEqualTo("local0");
        assertThat(logs.get(0).maxLength()).isEqualTo(1024);
        assertThat(logs.get(0).level()).isEmpty();
        assertThat(logs.get(1).maxLength()).isEqualTo(4096);
        assertThat(logs.get(1).format()).isEqualTo(LogTarget.Format.RFC3164);
        assertThat(logs.get(1).level()).isEqualTo("warning");
        assertThat(logs.get(2).target()).isEqualTo("/dev/log");
        assertThat(logs.get(2).level()).isEqualTo("info");
        assertThat(logs.get(2).minLevel()).isEqualTo("notice");
        assertThat(logs.get(3).target()).isEqualTo("/run/log.sock");
        assertThat(logs.get(4).udpAddress().port()).isEqualTo(514);
        assertThat(logs.get(4).udpAddress().address().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(logs.get(5).udpAddress().port()).isEqualTo(1514);
        assertThat(logs.get(5).format()).isEqualTo(LogTarget.Format.RFC5424);
        assertThat(logs.get(6).format()).isEqualTo(LogTarget.Format.SHORT);
        assertThat(logs.get(6).location()).isEqualTo(new Location("t.cfg", 8));
    }

    @Test
    void logErrors() {
        assertThat(errors("""
                global
                    log stdout len 70 local0
                    log 127.0.0.1 local9
                    log 127.0.0.1:514 local0 info foo
                    log stdout format iso local0
                    log ring@buf local0
                    log stdout sample 1:2 local0
                    log stdout
                    no log
                """)).containsExactly(
                "parsing [t.cfg:2] : 'log' : value 70 for 'log len' is out of range. Fix: use a value between 80 and 65535",
                "parsing [t.cfg:3] : 'log' : unknown log facility 'local9'. Fix: did you mean 'local0'?",
                "parsing [t.cfg:4] : 'log' : unknown optional minimum log level 'foo'. "
                        + "Fix: use one of emerg, alert, crit, err, warning, notice, info, debug",
                "parsing [t.cfg:5] : 'log' : log format 'iso' is not supported by Ferry. "
                        + "Fix: use rfc3164, rfc5424, short or raw",
                "parsing [t.cfg:6] : 'log' : log address family 'ring@' is not supported by Ferry. Fix: log to stdout, "
                        + "stderr, a unix socket path or a UDP syslog address such as 127.0.0.1:514",
                "parsing [t.cfg:7] : 'log' : log sampling ('sample') is not supported by Ferry. Fix: remove 'sample 1:2'",
                "parsing [t.cfg:8] : 'log' : missing log facility. "
                        + "Fix: write it as: log ADDRESS [len LENGTH] [format FORMAT] FACILITY [LEVEL [MINLEVEL]]",
                "parsing [t.cfg:9] : 'no log' : 'log' cannot be negated with 'no'. Fix: remove 'no'");
    }

    @Test
    void proxyLogsInheritFromDefaultsAndNoLogDropsThem() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    log global\n    log stdout local0\n") + """
                frontend a
                    bind :8000
                frontend b
                    bind :8001
                    no log
                    log stderr local1
                """);
        assertThat(frontend(c, "a").logGlobal()).isTrue();
        assertThat(frontend(c, "a").logs()).extracting(LogTarget::kind).containsExactly(LogTarget.Kind.STDOUT);
        assertThat(frontend(c, "b").logGlobal()).isFalse();
        assertThat(frontend(c, "b").logs()).extracting(LogTarget::kind).containsExactly(LogTarget.Kind.STDERR);
    }

    @Test
    void logFormatReplacesHttplogAndIsInherited() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    option httplog\n") + """
                frontend a
                    bind :8000
                    log-format "%ci:%cp %{+Q}r %ST %[src] %[method,lower] 100%%"
                frontend b
                    bind :8001
                """);
        assertThat(frontend(c, "a").logFormat()).isEqualTo(new LogFormat("%ci:%cp %{+Q}r %ST %[src] %[method,lower] 100%%"));
        assertThat(frontend(c, "b").logFormat()).isEqualTo(LogFormat.HTTPLOG);
    }

    @Test
    void logFormatErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    log-format %ci %cp
                    log-format "%zz"
                    log-format "%{+Z}r"
                    log-format "%[src"
                    log-format "%[req.hdr(host)]"
                """)).containsExactly(
                "parsing [t.cfg:8] : 'log-format' : log-format expects only one argument, don't forget to escape spaces. "
                        + "Fix: put the format in double quotes: log-format \"%ci:%cp [%tr] %ft\"",
                "parsing [t.cfg:9] : 'log-format' : no such format variable 'zz'. "
                        + "Fix: if you wanted to emit the '%' character verbatim, you need to use '%%'",
                "parsing [t.cfg:10] : 'log-format' : unknown log-format flag '+Z' in '%{+Z}r'. Fix: use +Q, -Q, +X or +E",
                "parsing [t.cfg:11] : 'log-format' : missing ']' after '%[' in log-format '%[src'. "
                        + "Fix: close the sample expression, e.g. '%[src]'",
                "parsing [t.cfg:12] : 'log-format' : sample fetch 'req.hdr' in '%[req.hdr(host)]' needs the HTTP "
                        + "request headers, which are no longer available when the log line is written. Fix: use a "
                        + "variable such as %HU, %HP, %HQ or %HV, or capture a header with 'capture request header' "
                        + "and log it with %hr");
    }

    @Test
    void logFormatInABackendIsIgnoredWithAWarning() {
        assertThat(warnings(HTTP_DEFAULTS + """
                backend b
                    log-format %ci
                """)).containsExactly("parsing [t.cfg:7] : 'log-format' : backend 'b' : 'log-format' directive is "
                + "ignored in backends. Fix: move it to the frontend or listen section that receives the traffic");
    }

    @Test
    void captures() {
        Config c = load(HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    capture request header Host len 64
                    capture response header Content-Type len 32
                """);
        assertThat(frontend(c, "f").captures()).containsExactly(
                new Capture(Capture.Direction.REQUEST, "Host", 64, new Location("t.cfg", 8)),
                new Capture(Capture.Direction.RESPONSE, "Content-Type", 32, new Location("t.cfg", 9)));
    }

    @Test
    void captureErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                    capture request header Host len 10
                frontend f
                    bind :8000
                    capture request header Host len 0
                    capture request header Host size 10
                    capture cookie SID len 32
                """)).containsExactly(
                "parsing [t.cfg:6] : 'capture request header' is not allowed in a 'defaults' section. "
                        + "Fix: move it to a frontend or listen section",
                "parsing [t.cfg:9] : 'capture request header' : value 0 for 'capture request header' is out of range. "
                        + "Fix: use a value between 1 and 65535",
                "parsing [t.cfg:10] : 'capture request header' : expects 'len' after the header name (got 'size'). "
                        + "Fix: write it as: capture request header NAME len LENGTH",
                "parsing [t.cfg:11] : 'capture cookie' is an HAProxy keyword that Ferry does not support: "
                        + "cookie capture is not implemented; capture the Cookie header instead. Fix: remove the line");
    }

    @Test
    void aLogFormatWithNowhereToLogIsWarnedAbout() {
        assertThat(warnings(HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    log global
                    option httplog
                """)).containsExactly("parsing [t.cfg:6] : 'frontend' : log format ignored for frontend 'f' since it "
                + "has no log address. Fix: add 'log global' with a 'log' line in the global section, or a "
                + "'log ADDRESS FACILITY' line here");
        assertThat(warnings("global\n    log stdout local0\n" + HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    log global
                    option httplog
                """)).isEmpty();
    }
}
