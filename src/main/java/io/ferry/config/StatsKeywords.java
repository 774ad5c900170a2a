package io.ferry.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** The stats page of proxies ({@code stats enable}, {@code stats uri}, ...) and the global {@code stats socket} and {@code stats timeout}. */
final class StatsKeywords {

    private StatsKeywords() {
    }

    static void register(KeywordRegistry r) {
        page(r, "enable", "d f l b", "stats enable", line -> line.expectArgs(0, 0), b -> { });
        r.add("stats uri", "d f l b", "stats uri PREFIX", line -> {
            line.expectArgs(1, 1);
            if (!line.arg(0).startsWith("/")) {
                line.warn("stats URI '" + line.arg(0) + "' does not start with '/', so no request path can match it",
                        "write e.g. 'stats uri /stats'");
            }
            update(line, b -> b.uri = line.arg(0));
        });
        r.add("stats realm", "d f l b", "stats realm REALM", line -> {
            line.expectArgs(1, 1);
            update(line, b -> b.realm = line.arg(0));
        });
        r.add("stats auth", "d f l b", "stats auth USER:PASSWORD", line -> {
            line.expectArgs(1, 1);
            int colon = line.arg(0).indexOf(':');
            if (colon <= 0) {
                throw new ConfigProblem("'stats auth' needs a user:password account (got '" + line.arg(0) + "')",
                        "write e.g. 'stats auth admin:secret'");
            }
            update(line, b -> b.credentials.add(line.arg(0)));
        });
        r.add("stats refresh", "d f l b", "stats refresh TIME", line -> {
            line.expectArgs(1, 1);
            long ms = line.time(0);
            update(line, b -> b.refreshMs = ms);
        });
        r.add("stats admin", "f l b", "stats admin if|unless CONDITION", line -> {
            if (line.argCount() < 2) {
                throw new ConfigProblem("'stats admin' requires either 'if' or 'unless' followed by a condition",
                        "write e.g. 'stats admin if { src 127.0.0.1 }'");
            }
            Acl.Condition c = line.condition(0);
            update(line, b -> b.admin = c);
        });
        page(r, "hide-version", "d f l b", "stats hide-version", line -> line.expectArgs(0, 0), b -> b.hideVersion = true);
        page(r, "show-legends", "d f l b", "stats show-legends", line -> line.expectArgs(0, 0), b -> b.showLegends = true);

        r.add("stats socket", "g", "stats socket PATH|ADDRESS:PORT|fd@N [level user|operator|admin] [mode OCTAL] "
                + "[expose-fd listeners]", StatsKeywords::socket);
        r.add("stats timeout", "g", "stats timeout TIME", line -> {
            line.expectArgs(1, 1);
            long ms = line.time(0);
            if (ms == 0) {
                throw new ConfigProblem("'stats timeout' expects a positive delay", "write e.g. 'stats timeout 30s'");
            }
            line.global().statsTimeoutMs = ms;
        });
    }

    private static void page(KeywordRegistry r, String word, String sections, String syntax, Keyword.Parser check,
                             Consumer<StatsSettings.Builder> change) {
        r.add("stats " + word, sections, syntax, line -> {
            check.parse(line);
            update(line, change);
        });
    }

    private static void update(Line line, Consumer<StatsSettings.Builder> change) {
        ProxyBuilder p = line.proxy();
        StatsSettings.Builder b = new StatsSettings.Builder(p.stats);
        change.accept(b);
        p.stats = b.build(p.stats.enabled() ? p.stats.location() : line.location());
    }

    private static void socket(Line line) {
        line.expectArgs(1, Integer.MAX_VALUE);
        List<Address> addresses = Address.parseBind(line.arg(0));
        if (addresses.size() != 1) {
            throw new ConfigProblem("'stats socket' listens on one address (got '" + line.arg(0) + "')",
                    "write one 'stats socket' line per address");
        }
        GlobalSettings.StatsSocket.Level level = GlobalSettings.StatsSocket.Level.OPERATOR;
        int mode = -1;
        boolean exposeFd = false;
        for (int i = 1; i < line.argCount(); i += 2) {
            String w = line.arg(i);
            if (i + 1 >= line.argCount()) {
                throw new ConfigProblem("'" + w + "' expects an argument", "write it as: " + line.syntax());
            }
            String v = line.arg(i + 1);
            switch (w) {
                case "level" -> {
                    try {
                        level = GlobalSettings.StatsSocket.Level.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigProblem("'level' only supports 'user', 'operator', and 'admin' (got '" + v + "')",
                                "write e.g. 'level admin'");
                    }
                }
                case "mode" -> mode = ServerKeywords.octal(v);
                case "expose-fd" -> {
                    if (!v.equals("listeners")) {
                        throw new ConfigProblem("'expose-fd' only supports 'listeners' (got '" + v + "')",
                                "write 'expose-fd listeners'");
                    }
                    exposeFd = true;
                    line.warn("'expose-fd listeners' has no effect: Ferry reloads inside one process and keeps its "
                            + "listening sockets itself", "remove 'expose-fd listeners'");
                }
                default -> throw new ConfigProblem("unknown 'stats socket' option '" + w + "'",
                        "use 'level', 'mode' or 'expose-fd listeners'");
            }
        }
        Address a = addresses.get(0);
        if (mode >= 0 && a.kind() != Address.Kind.UNIX) {
            throw new ConfigProblem("'mode' applies to unix sockets only", "remove 'mode' from this line");
        }
        line.global().statsSockets.add(new GlobalSettings.StatsSocket(a, level, mode, exposeFd, line.location()));
    }
}
