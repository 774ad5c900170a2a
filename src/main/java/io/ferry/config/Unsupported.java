package io.ferry.config;

/**
 * HAProxy keywords and sections that Ferry recognises but does not implement. Using one is an
 * error naming it, so that nothing in a configuration is silently ignored.
 */
final class Unsupported {

    private Unsupported() {
    }

    static void register(KeywordRegistry r) {
        String tls = "Ferry does not terminate TLS; put a TLS terminator in front of it";
        for (String s : new String[] {"peers", "resolvers", "userlist", "cache", "mailers", "program", "http-errors",
            "ring", "fcgi-app", "crt-store", "traces", "log-forward"}) {
            r.unsupportedSection(s, "Ferry has no '" + s + "' sections");
        }
        r.unsupported("user", "Ferry does not change user; start it as the user it should run as (e.g. systemd User=)");
        r.unsupported("group", "Ferry does not change group; start it as the group it should run as (e.g. systemd Group=)");
        r.unsupported("uid", "Ferry does not change user; start it as the user it should run as");
        r.unsupported("gid", "Ferry does not change group; start it as the group it should run as");
        r.unsupported("chroot", "Ferry does not chroot; confine it with the service manager instead");
        r.unsupported("lua-load", "Ferry does not run Lua");
        r.unsupported("ssl-default-bind-ciphers", tls);
        r.unsupported("ssl-default-bind-options", tls);
        r.unsupported("ssl-default-bind-ciphersuites", tls);
        r.unsupported("ssl-default-server-ciphers", tls);
        r.unsupported("ssl-default-server-options", tls);
        r.unsupported("ca-base", tls);
        r.unsupported("crt-base", tls);
        r.unsupported("cookie", "cookie-based persistence is not implemented");
        r.unsupported("stick-table", "stick tables are not implemented");
        r.unsupported("stick", "stick tables are not implemented");
        r.unsupported("tcp-request", "tcp-request rules are not implemented");
        r.unsupported("tcp-response", "tcp-response rules are not implemented");
        r.unsupported("compression", "Ferry does not compress responses");
        r.unsupported("server-template", "server templates need DNS service discovery, which Ferry does not have");
        r.unsupported("timeout tarpit", "the tarpit action is not implemented");
        r.unsupported("redirect", "use 'http-request redirect' instead of the old 'redirect' keyword");
        r.unsupported("capture cookie", "cookie capture is not implemented; capture the Cookie header instead");
        r.unsupported("stats scope", "the stats page always shows every proxy");
        r.unsupported("stats show-node", "the stats page does not show node names");
        r.unsupported("stats show-desc", "the stats page shows each proxy's 'description' only");
        r.unsupported("stats http-request", "use 'http-request' rules in the section that serves the stats page");
        r.unsupported("stats maxconn", "the runtime API serves one command per connection, without a separate limit");
        r.unsupported("http-check disable-on-404", "a 404 answer to a check counts as a failure in Ferry");
        r.unsupported("http-check send-state", "checks do not report the server's state in a header");
        r.unsupported("http-check connect",
                "checks connect to the server's check address and port; use 'port' and 'addr' on the server line");
        r.unsupported("http-check comment", "comments on check rules are not supported; use a '#' comment");
        r.unsupported("http-check set-var", "variables are not implemented");
        r.unsupported("http-check unset-var", "variables are not implemented");
        r.unsupported("tcp-check comment", "comments on check rules are not supported; use a '#' comment");
        r.unsupported("tcp-check set-var", "variables are not implemented");
        r.unsupported("tcp-check unset-var", "variables are not implemented");
        r.unsupported("tcp-check send-lf", "log-format payloads in checks are not implemented; use 'tcp-check send'");
        r.unsupported("tcp-check send-binary-lf",
                "log-format payloads in checks are not implemented; use 'tcp-check send-binary'");
        r.unsupported("monitor-uri", "use a stats page or the runtime API to monitor Ferry");

        String check = "only TCP connect, HTTP ('option httpchk') and scripted TCP ('option tcp-check') checks are "
                + "implemented";
        for (String o : new String[] {"smtpchk", "mysql-check", "pgsql-check", "redis-check", "ssl-hello-chk",
            "ldap-check", "spop-check", "external-check"}) {
            r.unsupported("option " + o, check);
        }
        String splice = "Ferry copies a tunnel's bytes itself and never splices them (docs/proxying.md: Copied, not spliced)";
        r.unsupported("option splice-auto", splice);
        r.unsupported("option splice-request", splice);
        r.unsupported("option splice-response", splice);
        r.unsupported("option logasap", "Ferry logs a stream once it is over");
        r.unsupported("option log-health-checks", "check results are logged only when a server changes state");
        r.unsupported("option dontlog-normal", "every stream is logged; use 'option dontlognull' for empty ones");
        r.unsupported("option httpslog", tls);
        r.unsupported("option http-buffer-request", "request bodies are streamed, never buffered whole");
        r.unsupported("option http-pretend-keepalive", "use 'option http-server-close' or 'option http-keep-alive'");
        r.unsupported("option http-no-delay", "Ferry sets TCP_NODELAY on every connection");
        r.unsupported("option http-ignore-probes", "connections that send nothing are logged like others; "
                + "use 'option dontlognull'");
        r.unsupported("option http-use-proxy-header", "Ferry is not a forward proxy");
        r.unsupported("option http_proxy", "Ferry is not a forward proxy");
        r.unsupported("option originalto", "the X-Original-To header is not implemented; use 'http-request set-header'");
        r.unsupported("option checkcache", "response cacheability checks are not implemented");
        r.unsupported("option persist", "cookie-based persistence is not implemented");
        r.unsupported("option prefer-last-server", "servers are chosen by the 'balance' algorithm only");
        r.unsupported("option independent-streams", "each side's timeout is armed by its own reads and writes already");
        r.unsupported("option socket-stats", "per-listener statistics are not implemented");
        r.unsupported("option transparent", "transparent proxying is not implemented");
        r.unsupported("option tcp-smart-accept", "Ferry chooses its socket options itself");
        r.unsupported("option tcp-smart-connect", "Ferry chooses its socket options itself");
        r.unsupported("option disable-h2-upgrade", "Ferry speaks HTTP/1.1 only");
        r.unsupported("option idle-close-on-response", "idle connections are closed when their keep-alive timeout expires");

        String rule = "this rule action is not implemented";
        for (String side : new String[] {"http-request", "http-response"}) {
            r.unsupported(side + " set-var", "variables are not implemented");
            r.unsupported(side + " set-var-fmt", "variables are not implemented");
            r.unsupported(side + " unset-var", "variables are not implemented");
            r.unsupported(side + " capture", "use 'capture request header' or 'capture response header'");
            r.unsupported(side + " set-log-level", rule);
            r.unsupported(side + " replace-value", rule + "; use '" + side + " replace-header'");
            r.unsupported(side + " add-acl", "ACL files are read once, at start-up");
            r.unsupported(side + " del-acl", "ACL files are read once, at start-up");
            r.unsupported(side + " set-map", "maps are not implemented");
            r.unsupported(side + " del-map", "maps are not implemented");
            r.unsupported(side + " track-sc0", "stick tables are not implemented");
            r.unsupported(side + " track-sc1", "stick tables are not implemented");
            r.unsupported(side + " track-sc2", "stick tables are not implemented");
        }
        r.unsupported("http-request tarpit", "the tarpit action is not implemented; use 'http-request deny'");
        r.unsupported("http-request set-method", rule);
        r.unsupported("http-request replace-path", rule + "; use 'http-request set-path'");
        r.unsupported("http-request replace-uri", rule + "; use 'http-request set-uri'");
        r.unsupported("http-request set-src", "the client address is the one of the connection");
        r.unsupported("http-request wait-for-body", "request bodies are streamed, never buffered whole");
        r.unsupported("http-request normalize-uri", rule);
        r.unsupported("http-request early-hint", "1xx informational responses are not generated by Ferry");
        r.unsupported("http-request do-resolve", "Ferry resolves names once, when it reads the configuration");
        r.unsupported("http-response set-status", rule);
        r.unsupported("http-after-response", "use 'http-response' rules");
        r.unsupported("errorloc", "use 'http-request redirect' or an 'errorfile' holding a redirect response");
        r.unsupported("errorloc302", "use 'http-request redirect' or an 'errorfile' holding a redirect response");
        r.unsupported("errorloc303", "use 'http-request redirect' or an 'errorfile' holding a redirect response");
        r.unsupported("errorfiles", "Ferry has no 'http-errors' sections; use one 'errorfile' line per status");

        r.unsupported("log-tag", "log lines are tagged with the program name");
        r.unsupported("log-send-hostname", "syslog headers carry the machine's host name");
        r.unsupported("server-state-file", "server states are not saved across restarts");
        r.unsupported("load-server-state-from-file", "server states are not saved across restarts");
        r.unsupported("maxconnrate", "connection rate limits are not implemented");
        r.unsupported("maxsessrate", "session rate limits are not implemented");
        r.unsupported("rate-limit", "session rate limits are not implemented");
        r.unsupported("tune.ssl.default-dh-param", tls);
        r.unsupported("ssl-server-verify", tls);
        r.unsupported("setenv", "set environment variables in the service manager instead");
        r.unsupported("presetenv", "set environment variables in the service manager instead");
        r.unsupported("unsetenv", "set environment variables in the service manager instead");
        r.unsupported("resetenv", "set environment variables in the service manager instead");
        r.unsupported("insecure-fork-wanted", "Ferry never forks");
        r.unsupported("external-check", "external checks are not implemented");

        r.unsupportedBindOptions.put("ssl", tls);
        r.unsupportedBindOptions.put("crt", tls);
        r.unsupportedBindOptions.put("alpn", tls);
        r.unsupportedBindOptions.put("accept-proxy", "the PROXY protocol is not implemented");
        r.unsupportedBindOptions.put("transparent", "transparent proxying is not implemented");
        r.unsupportedServerOptions.put("ssl", tls);
        r.unsupportedServerOptions.put("verify", tls);
        r.unsupportedServerOptions.put("sni", tls);
        r.unsupportedServerOptions.put("send-proxy", "the PROXY protocol is not implemented");
        r.unsupportedServerOptions.put("send-proxy-v2", "the PROXY protocol is not implemented");
        r.unsupportedServerOptions.put("check-send-proxy", "the PROXY protocol is not implemented");
        r.unsupportedServerOptions.put("check-ssl", tls);
        r.unsupportedServerOptions.put("agent-check", "agent checks are not implemented; use 'check' with 'option httpchk'");
        r.unsupportedServerOptions.put("track",
                "tracking another server's checks is not implemented; give each server its own 'check'");
        r.unsupportedServerOptions.put("cookie", "cookie-based persistence is not implemented");
        r.unsupportedServerOptions.put("resolvers", "Ferry resolves server names once, when it reads the configuration");
        r.unsupportedServerOptions.put("init-addr", "Ferry resolves server names once, when it reads the configuration");
    }
}
