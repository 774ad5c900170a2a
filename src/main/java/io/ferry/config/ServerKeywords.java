package io.ferry.config;

import java.util.List;

/** {@code bind}, {@code server} and {@code default-server}, and the options of their lines. */
final class ServerKeywords {

    private ServerKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("bind", "f l", "bind ADDRESS[,ADDRESS...] [OPTIONS...]", line -> {
            line.expectArgs(1, Integer.MAX_VALUE);
            List<Address> addresses = Address.parseBind(line.arg(0), line.resolver());
            BindBuilder b = new BindBuilder();
            applyOptions(line, 1, r.bindOptions, r.unsupportedBindOptions, b, "bind");
            for (Address a : addresses) {
                Bind bind = new Bind(a, b.name, b.maxconn, b.tcpUserTimeoutMs, b.backlog, b.unixMode, b.unixUser,
                        b.unixUid, b.unixGroup, b.unixGid, b.v6only, line.location());
                if (bind.hasUnixFileOptions() && a.kind() != Address.Kind.UNIX) {
                    String word = b.unixMode >= 0 ? "mode" : b.unixUser != null ? "user" : b.unixUid >= 0 ? "uid"
                            : b.unixGroup != null ? "group" : "gid";
                    throw new ConfigProblem("'" + word + "' applies to unix sockets only",
                            "remove '" + word + "' from this bind line, or bind unix@/path");
                }
                if (a.kind() == Address.Kind.UNIX && b.tcpUserTimeoutMs > 0) {
                    throw new ConfigProblem("'tcp-ut' applies to TCP sockets only", "remove 'tcp-ut' from this unix socket's bind line");
                }
                if (b.unixUser != null && b.unixUid >= 0 || b.unixGroup != null && b.unixGid >= 0) {
                    throw new ConfigProblem("a unix socket's owner is given twice (" + (b.unixUser != null && b.unixUid >= 0
                            ? "'user' and 'uid'" : "'group' and 'gid'") + ")", "keep one of them");
                }
                line.proxy().binds.add(bind);
            }
        });
        r.add("server", "l b", "server NAME ADDRESS [OPTIONS...]", line -> {
            line.expectArgs(2, Integer.MAX_VALUE);
            String name = line.arg(0);
            ConfigParser.checkName("server", name);
            ProxyBuilder p = line.proxy();
            for (Server s : p.servers) {
                if (s.name().equals(name)) {
                    throw new ConfigProblem("server '" + name + "' is already declared at " + s.location(),
                            "give each server of a backend its own name");
                }
            }
            Address address = Address.parseServer(line.arg(1), line.resolver());
            if (address.kind() == Address.Kind.FD) {
                throw new ConfigProblem("servers cannot be reached through 'fd@'", "use host:port or unix@/path");
            }
            ServerOptionsBuilder o = new ServerOptionsBuilder(p.defaultServer.build());
            applyOptions(line, 2, r.serverOptions, r.unsupportedServerOptions, o, "server");
            p.servers.add(new Server(name, address, o.build(), line.location()));
        });
        r.add("default-server", "d l b", "default-server [OPTIONS...]", line ->
                applyOptions(line, 0, r.serverOptions, r.unsupportedServerOptions, line.proxy().defaultServer,
                        "default-server"));

        bind(r, "maxconn", 1, "maxconn NUMBER", (b, a, l) -> b.maxconn = (int) Values.integer(a.get(0), "maxconn", 1, 10_000_000));
        bind(r, "tcp-ut", 1, "tcp-ut TIME", (b, a, l) -> b.tcpUserTimeoutMs = Values.time(a.get(0), "tcp-ut"));
        bind(r, "backlog", 1, "backlog NUMBER", (b, a, l) -> b.backlog = (int) Values.integer(a.get(0), "backlog", 1, 1_000_000));
        bind(r, "name", 1, "name NAME", (b, a, l) -> b.name = a.get(0));
        bind(r, "v6only", 0, "v6only", (b, a, l) -> b.v6only = true);
        bind(r, "v4v6", 0, "v4v6", (b, a, l) -> b.v6only = false);
        bind(r, "mode", 1, "mode OCTAL", (b, a, l) -> b.unixMode = octal(a.get(0)));
        bind(r, "user", 1, "user NAME", (b, a, l) -> b.unixUser = a.get(0));
        bind(r, "uid", 1, "uid NUMBER", (b, a, l) -> b.unixUid = (int) Values.integer(a.get(0), "uid", 0, Integer.MAX_VALUE));
        bind(r, "group", 1, "group NAME", (b, a, l) -> b.unixGroup = a.get(0));
        bind(r, "gid", 1, "gid NUMBER", (b, a, l) -> b.unixGid = (int) Values.integer(a.get(0), "gid", 0, Integer.MAX_VALUE));

        server(r, "weight", 1, "weight 0..256", (o, a, l) -> o.weight = (int) Values.integer(a.get(0), "weight", 0, 256));
        server(r, "backup", 0, "backup", (o, a, l) -> o.backup = true);
        server(r, "disabled", 0, "disabled", (o, a, l) -> o.disabled = true);
        server(r, "enabled", 0, "enabled", (o, a, l) -> o.disabled = false);
        server(r, "maxconn", 1, "maxconn NUMBER", (o, a, l) -> o.maxconn = (int) Values.integer(a.get(0), "maxconn", 0, 10_000_000));
        server(r, "maxqueue", 1, "maxqueue NUMBER", (o, a, l) -> o.maxqueue = (int) Values.integer(a.get(0), "maxqueue", 0, 10_000_000));
        server(r, "tcp-ut", 1, "tcp-ut TIME", (o, a, l) -> o.tcpUserTimeoutMs = Values.time(a.get(0), "tcp-ut"));
    }

    static int octal(String s) {
        try {
            int v = Integer.parseInt(s, 8);
            if (v < 0 || v > 0777) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigProblem("invalid mode '" + s + "'", "write permissions in octal, e.g. 'mode 660'");
        }
    }

    static void bind(KeywordRegistry r, String name, int argc, String syntax, KeywordRegistry.OptionParser<BindBuilder> p) {
        r.bindOptions.put(name, new KeywordRegistry.LineOption<>(name, argc, syntax, p));
    }

    static void server(KeywordRegistry r, String name, int argc, String syntax,
                       KeywordRegistry.OptionParser<ServerOptionsBuilder> p) {
        r.serverOptions.put(name, new KeywordRegistry.LineOption<>(name, argc, syntax, p));
    }

    /** Reads {@code OPTION [VALUE]} pairs from argument {@code from} on. */
    private static <B> void applyOptions(Line line, int from, java.util.Map<String, KeywordRegistry.LineOption<B>> options,
                                         java.util.Map<String, String> unsupported, B builder, String what) {
        int i = from;
        while (i < line.argCount()) {
            String w = line.arg(i);
            KeywordRegistry.LineOption<B> o = options.get(w);
            if (w.isEmpty()) {
                throw new ConfigProblem("empty " + what + " option, often an environment variable that is not set",
                        "set the variable, or remove the empty word");
            }
            if (o == null) {
                String reason = unsupported.get(w);
                if (reason != null) {
                    throw new ConfigProblem("'" + w + "' is an HAProxy " + what + " option that Ferry does not support: "
                            + reason, "remove '" + w + "' from the line");
                }
                String guess = Suggestions.closest(w, options.keySet());
                throw new ConfigProblem("unknown " + what + " option '" + w + "'",
                        guess != null ? "did you mean '" + guess + "'?" : "see the " + what + " options in docs/configuration.md");
            }
            if (i + o.argCount() >= line.argCount()) {
                throw new ConfigProblem(what + " option '" + w + "' needs a value", "write it as '" + o.syntax() + "'");
            }
            try {
                o.parser().apply(builder, line.args(i + 1).subList(0, o.argCount()), line);
            } catch (ConfigProblem p) {
                throw new ConfigProblem(what + " option '" + w + "': " + p.getMessage(), p.fix());
            }
            i += 1 + o.argCount();
        }
    }
}
