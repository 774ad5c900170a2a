package io.ferry.config;

/** Checks of a whole proxy section once everything is read, with HAProxy's wording where it has one. */
final class ProxyChecks {

    private ProxyChecks() {
    }

    static void check(ProxyBuilder p, GlobalBuilder global, ConfigParser parser) {
        if (p.kind.isFrontend() && p.binds.isEmpty()) {
            parser.report(Diagnostic.alert(p.location, p.kind.keyword(), p.kind.keyword() + " '" + p.name
                    + "' has no 'bind' line, so it would accept nothing",
                    "add e.g. 'bind :80', or declare it as a backend if that was meant"));
        }
        boolean ownCheckRules = !p.checkRulesInherited;
        if (p.kind.isBackend() && !p.option(ProxyOption.HTTPCHK) && !p.httpExpects.isEmpty() && ownCheckRules) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), p.kind.keyword() + " '" + p.name
                    + "' uses http-check rules without 'option httpchk', so the rules are ignored",
                    "add 'option httpchk' to the section, or remove the rules"));
        }
        if (p.kind.isBackend() && !p.option(ProxyOption.TCP_CHECK) && !p.tcpSteps.isEmpty() && ownCheckRules) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), p.kind.keyword() + " '" + p.name
                    + "' uses tcp-check rules without 'option tcp-check', so the rules are ignored",
                    "add 'option tcp-check' to the section, or remove the rules"));
        }
        if (p.mode.value() == Mode.TCP) {
            if (!p.httpRequestRules.isEmpty() || !p.httpResponseRules.isEmpty()) {
                parser.report(Diagnostic.alert(p.location, p.kind.keyword(), "http-request/http-response rules in "
                        + p.kind.keyword() + " '" + p.name + "' need HTTP, but it is in TCP mode",
                        "add 'mode http' to the section, or remove the rules"));
            }
        }
    }
}
