package io.ferry.config;

import java.util.ArrayList;
import java.util.Locale;

/** The core keywords of proxy sections: mode, limits, timeouts, routing and ACLs. */
final class ProxyKeywords {

    private ProxyKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("mode", "d f l b", "mode http|tcp", line -> {
            line.expectArgs(1, 1);
            Mode m = switch (line.arg(0)) {
                case "http" -> Mode.HTTP;
                case "tcp" -> Mode.TCP;
                case "health" -> throw new ConfigProblem("'mode health' was removed from HAProxy in 2.4 and is not "
                        + "supported by Ferry", "use 'monitor-uri' in HAProxy or a stats page in Ferry");
                default -> throw new ConfigProblem("unknown proxy mode '" + line.arg(0) + "'", "use 'mode http' or 'mode tcp'");
            };
            line.proxy().mode = line.located(m);
        });
        r.add("maxconn", "d f l", "maxconn NUMBER", line -> {
            line.expectArgs(1, 1);
            line.proxy().maxconn = line.located(line.integer(0, 0, 10_000_000));
        });
        for (TimeoutKind t : TimeoutKind.values()) {
            r.add(new Keyword("timeout " + t.word(), t.sections(), "timeout " + t.word() + " TIME", false, line -> {
                line.expectArgs(1, 1);
                long ms = line.time(0);
                if (ms == 0) {
                    line.proxy().timeouts.remove(t);
                } else {
                    line.proxy().timeouts.put(t, line.located(ms));
                }
            }));
        }
        r.add("default_backend", "d f l", "default_backend BACKEND", line -> {
            line.expectArgs(1, 1);
            line.proxy().defaultBackend = line.located(line.arg(0));
        });
        r.add("use_backend", "f l", "use_backend BACKEND [if|unless CONDITION]", line -> {
            line.expectArgs(1, Integer.MAX_VALUE);
            String name = line.arg(0);
            if (name.contains("%[")) {
                throw new ConfigProblem("dynamic backend names ('" + name + "') are not supported by Ferry",
                        "write one 'use_backend NAME if CONDITION' line per backend");
            }
            line.proxy().useBackends.add(new Proxy.UseBackend(name, line.condition(1), line.location()));
        });
        r.add("acl", "f l b", "acl NAME CRITERION [FLAGS] [--] [VALUE ...]", line -> {
            line.expectArgs(2, Integer.MAX_VALUE);
            String name = line.arg(0);
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == ':')) {
                    throw new ConfigProblem("character '" + c + "' is not permitted in ACL name '" + name + "'",
                            "use letters, digits, '-', '_', '.' and ':' only");
                }
            }
            if (PredefinedAcls.find(name) != null) {
                throw new ConfigProblem("'" + name + "' is a predefined ACL and cannot be redefined", "choose another name");
            }
            Acl.Definition d = AclParser.definition(name, line.args(1), line.location());
            line.proxy().acls.computeIfAbsent(name, k -> new ArrayList<>()).add(d);
        });
        r.add("retries", "d l b", "retries NUMBER", line -> {
            line.expectArgs(1, 1);
            line.proxy().retries = line.integer(0, 0, 100);
            line.proxy().retriesLocation = line.location();
        });
        r.add("http-reuse", "d l b", "http-reuse never|safe|aggressive|always", line -> {
            line.expectArgs(1, 1);
            try {
                line.proxy().httpReuse = Proxy.HttpReuse.valueOf(line.arg(0).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigProblem("unknown http-reuse mode '" + line.arg(0) + "'",
                        "use never, safe, aggressive or always");
            }
        });
    }
}
