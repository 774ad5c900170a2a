package io.ferry.config;

/** Checks of a whole proxy section once everything is read, with HAProxy's wording where it has one. */
final class ProxyChecks {

    private static final java.util.Set<Balance.Algorithm> LAYER7_HASHES =
            java.util.EnumSet.of(Balance.Algorithm.URI, Balance.Algorithm.URL_PARAM, Balance.Algorithm.HDR);

    private ProxyChecks() {
    }

    static void check(ProxyBuilder p, GlobalBuilder global, ConfigParser parser) {
        if (p.kind.isFrontend() && p.binds.isEmpty()) {
            // A warning, as in HAProxy 2.6: the rest of the configuration can still run.
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), p.kind.keyword() + " '" + p.name
                    + "' has no 'bind' line, so it would accept nothing",
                    "add e.g. 'bind :80', or declare it as a backend if that was meant"));
        }
        if (p.kind.isBackend() && !p.checkRulesInherited) {
            rulesWithoutOption(p, "http-check", ProxyOption.HTTPCHK, !p.httpExpects.isEmpty(), parser);
            rulesWithoutOption(p, "tcp-check", ProxyOption.TCP_CHECK, !p.tcpSteps.isEmpty(), parser);
        }
        if (p.kind.isFrontend() && p.logFormat != null && p.logs.isEmpty() && (!p.logGlobal || global.logs.isEmpty())) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), "log format ignored for " + p.kind.keyword()
                    + " '" + p.name + "' since it has no log address",
                    "add 'log global' with a 'log' line in the global section, or a 'log ADDRESS FACILITY' line here"));
        }
        if (p.mode.value() == Mode.TCP) {
            if (!p.httpRequestRules.isEmpty() || !p.httpResponseRules.isEmpty()) {
                parser.report(Diagnostic.alert(p.location, p.kind.keyword(), "http-request/http-response rules in "
                        + p.kind.keyword() + " '" + p.name + "' need HTTP, but it is in TCP mode",
                        "add 'mode http' to the section, or remove the rules"));
            }
            httpOnlyInTcpMode(p, parser);
        }
    }

    private static void rulesWithoutOption(ProxyBuilder p, String rules, ProxyOption option, boolean present,
                                           ConfigParser parser) {
        if (present && !p.option(option)) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), p.kind.keyword() + " '" + p.name
                    + "' uses " + rules + " rules without 'option " + option.word() + "', so the rules are ignored",
                    "add 'option " + option.word() + "' to the section, or remove the rules"));
        }
    }

    /**
     * Settings that need HTTP, inherited or written in a TCP-mode proxy: ignored with HAProxy's
     * warnings, and {@code option httplog} falls back to {@code option tcplog} as in HAProxy.
     */
    private static void httpOnlyInTcpMode(ProxyBuilder p, ConfigParser parser) {
        String fix = "add 'mode http' to the section, or remove the setting (or set it in an HTTP defaults section only)";
        if (p.stats.enabled()) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), "'stats' statement ignored for "
                    + p.kind.keyword() + " '" + p.name + "' as it requires HTTP mode", fix));
        }
        for (ProxyOption o : new ProxyOption[] {ProxyOption.FORWARDFOR, ProxyOption.ACCEPT_INVALID_HTTP_REQUEST,
            ProxyOption.ACCEPT_INVALID_HTTP_RESPONSE}) {
            boolean applies = (o.sections().contains(SectionKind.FRONTEND) && p.kind.isFrontend())
                    || (o.sections().contains(SectionKind.BACKEND) && p.kind.isBackend());
            if (p.option(o) && applies) {
                parser.report(Diagnostic.warning(p.location, p.kind.keyword(), "'option " + o.word() + "' ignored for "
                        + p.kind.keyword() + " '" + p.name + "' as it requires HTTP mode", fix));
            }
        }
        if (p.kind.isBackend() && LAYER7_HASHES.contains(p.balance.algorithm())) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), "Layer 7 hash not possible for "
                    + p.kind.keyword() + " '" + p.name + "' (needs 'mode http'); falling back to round robin",
                    "add 'mode http' to the section, or choose 'balance roundrobin', 'leastconn' or 'source'"));
            p.balance = p.balance.withAlgorithm(Balance.Algorithm.ROUNDROBIN, "", 2, false, false);
        }
        for (Server s : p.servers) {
            if (s.options().observe() == ServerOptions.Observe.LAYER7) {
                parser.report(Diagnostic.alert(s.location(), "server", "'observe layer7' can only be used in HTTP "
                        + "proxies, and " + p.kind.keyword() + " '" + p.name + "' is in TCP mode",
                        "use 'observe layer4' for server '" + s.name() + "'"));
            }
        }
        if (p.kind.isFrontend() && p.option(ProxyOption.HTTPLOG)) {
            parser.report(Diagnostic.warning(p.location, p.kind.keyword(), "'option httplog' not usable with "
                    + p.kind.keyword() + " '" + p.name + "' (needs 'mode http'); falling back to 'option tcplog'",
                    "write 'option tcplog' in the section"));
            p.options.remove(ProxyOption.HTTPLOG);
            p.options.put(ProxyOption.TCPLOG, Located.builtIn(true));
            p.logFormat = LogFormat.TCPLOG;
        }
    }
}
