package io.ferry.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Access logging: {@code log} (global and proxy forms), {@code log-format} and {@code capture}. */
final class LogKeywords {

    static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2", "local3",
            "local4", "local5", "local6", "local7");

    static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");

    private static final String SYNTAX = "log ADDRESS [len LENGTH] [format FORMAT] FACILITY [LEVEL [MINLEVEL]]";

    private LogKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("log", "g", SYNTAX, line -> line.global().logs.add(target(line)));
        r.add(new Keyword("log", ProxyOption.parseSections("d f l b"), "log global | " + SYNTAX + " | no log", true,
                line -> {
                    ProxyBuilder p = line.proxy();
                    if (line.negated()) {
                        line.expectArgs(0, 0);
                        p.logs.clear();
                        p.logGlobal = false;
                    } else if (line.argCount() == 1 && line.arg(0).equals("global")) {
                        p.logGlobal = true;
                    } else {
                        p.logs.add(target(line));
                    }
                }));
        r.add("log-format", "d f l b", "log-format FORMAT", line -> {
            if (line.argCount() > 1) {
                throw new ConfigProblem("log-format expects only one argument, don't forget to escape spaces",
                        "put the format in double quotes: log-format \"%ci:%cp [%tr] %ft\"");
            }
            line.expectArgs(1, 1);
            warnIfBackend(line);
            line.proxy().logFormat = LogFormat.parseForLog(line.arg(0));
        });
        for (Capture.Direction d : Capture.Direction.values()) {
            String word = d.name().toLowerCase(Locale.ROOT);
            r.add("capture " + word + " header", "f l", "capture " + word + " header NAME len LENGTH", line -> {
                line.expectArgs(3, 3);
                if (!line.arg(1).equals("len")) {
                    throw new ConfigProblem("expects 'len' after the header name (got '" + line.arg(1) + "')",
                            "write it as: " + line.syntax());
                }
                line.proxy().captures.add(new Capture(d, HttpRuleKeywords.headerName(line.arg(0)),
                        line.integer(2, 1, 65535), line.location()));
            });
        }
    }

    private static void warnIfBackend(Line line) {
        ProxyBuilder p = line.proxy();
        if (p.kind == SectionKind.BACKEND) {
            line.warn("backend '" + p.name + "' : '" + line.keyword() + "' directive is ignored in backends",
                    "move it to the frontend or listen section that receives the traffic");
        }
    }

    /** {@code ADDRESS [len N] [format F] FACILITY [LEVEL [MINLEVEL]]}. */
    private static LogTarget target(Line line) {
        line.expectArgs(1, 8);
        String where = line.arg(0);
        int maxLength = 1024;
        LogTarget.Format format = LogTarget.Format.RFC3164;
        int i = 1;
        while (i < line.argCount() && Set.of("len", "format", "sample").contains(line.arg(i))) {
            String w = line.arg(i);
            if (i + 1 >= line.argCount()) {
                throw new ConfigProblem("'" + w + "' expects an argument", "write it as: " + SYNTAX);
            }
            String v = line.arg(i + 1);
            switch (w) {
                case "len" -> maxLength = (int) Values.integer(v, "log len", 80, 65535);
                case "format" -> format = switch (v) {
                    case "rfc3164" -> LogTarget.Format.RFC3164;
                    case "rfc5424" -> LogTarget.Format.RFC5424;
                    case "raw" -> LogTarget.Format.RAW;
                    case "short" -> LogTarget.Format.SHORT;
                    default -> throw new ConfigProblem("log format '" + v + "' is not supported by Ferry",
                            "use rfc3164, rfc5424, short or raw");
                };
                default -> throw new ConfigProblem("log sampling ('sample') is not supported by Ferry",
                        "remove 'sample " + v + "'");
            }
            i += 2;
        }
        if (i >= line.argCount()) {
            throw new ConfigProblem("missing log facility", "write it as: " + SYNTAX);
        }
        String facility = line.arg(i++);
        if (!FACILITIES.contains(facility)) {
            String guess = Suggestions.closest(facility, FACILITIES);
            throw new ConfigProblem("unknown log facility '" + facility + "'",
                    guess != null ? "did you mean '" + guess + "'?" : "use one of " + String.join(", ", FACILITIES));
        }
        String level = i < line.argCount() ? level(line.arg(i++), "log level") : "";
        String minLevel = i < line.argCount() ? level(line.arg(i++), "optional minimum log level") : "";
        if (i < line.argCount()) {
            throw new ConfigProblem("unexpected extra argument '" + line.arg(i) + "'", "write it as: " + SYNTAX);
        }
        return sink(where, maxLength, format, facility, level, minLevel, line.location());
    }

    private static String level(String word, String what) {
        if (!LEVELS.contains(word)) {
            throw new ConfigProblem("unknown " + what + " '" + word + "'", "use one of " + String.join(", ", LEVELS));
        }
        return word;
    }

    private static LogTarget sink(String where, int maxLength, LogTarget.Format format, String facility, String level,
                                  String minLevel, Location location) {
        LogTarget.Kind kind;
        Address udp = null;
        String target = where;
        if (where.equals("stdout") || where.equals("fd@1")) {
            kind = LogTarget.Kind.STDOUT;
        } else if (where.equals("stderr") || where.equals("fd@2")) {
            kind = LogTarget.Kind.STDERR;
        } else if (where.startsWith("/") || where.startsWith("unix@")) {
            kind = LogTarget.Kind.UNIX;
            target = where.startsWith("unix@") ? where.substring(5) : where;
            if (target.isEmpty()) {
                throw new ConfigProblem("missing socket path in '" + where + "'", "write e.g. 'log /dev/log local0'");
            }
        } else {
            int at = where.indexOf('@');
            String prefix = at < 0 ? "" : where.substring(0, at);
            String rest = where;
            if (Set.of("udp", "udp4", "udp6").contains(prefix)) {
                rest = (prefix.equals("udp6") ? "ipv6@" : prefix.equals("udp4") ? "ipv4@" : "") + where.substring(at + 1);
            } else if (!prefix.isEmpty() && !prefix.equals("ipv4") && !prefix.equals("ipv6")) {
                throw new ConfigProblem("log address family '" + prefix + "@' is not supported by Ferry",
                        "log to stdout, stderr, a unix socket path or a UDP syslog address such as 127.0.0.1:514");
            }
            Address a = Address.parseServer(rest);
            kind = LogTarget.Kind.UDP;
            udp = a.port() == 0 ? new Address(a.kind(), a.text(), a.address(), 514, null, -1) : a;
        }
        return new LogTarget(kind, target, udp, maxLength, format, facility, level, minLevel, location);
    }
}
