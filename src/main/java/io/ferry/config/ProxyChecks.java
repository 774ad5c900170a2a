package io.ferry.config;

/** Checks of a whole proxy section once everything is read, with HAProxy's wording where it has one. */
final class ProxyChecks {

    private ProxyChecks() {
    }

    static void check(ProxyBuilder p, GlobalBuilder global, ConfigParser parser) {
        if (p.kind.isFrontend() && p.binds.isEmpty()) {
            // A warning, as in HAProxy 2.6: the rest of the configuration can still run.
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), p.kind.keyword() + " '" + p.name
                    + "' has no 'bind' line, so it would accept nothing",
                    "add e.g. 'bind :80', or declare it as a backend if that was meant"));
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
