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
