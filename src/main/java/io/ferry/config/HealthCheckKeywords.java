package io.ferry.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Health checks: {@code http-check send|expect}, {@code tcp-check connect|send|send-binary|expect},
 * and the check options of {@code server} and {@code default-server} lines. A proxy that writes
 * its own {@code http-check} or {@code tcp-check} rules replaces the expectations and steps of its
 * defaults section.
 */
final class HealthCheckKeywords {

    private HealthCheckKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("http-check expect", "d l b", "http-check expect [!] status|rstatus|string|rstring VALUE", line -> {
            int i = expectStart(line);
            boolean negated = i == 1;
            String value = line.arg(i + 1);
            HealthCheck.HttpExpect.Kind kind = switch (line.arg(i)) {
                case "status" -> HealthCheck.HttpExpect.Kind.STATUS;
                case "rstatus" -> HealthCheck.HttpExpect.Kind.RSTATUS;
                case "string" -> HealthCheck.HttpExpect.Kind.STRING;
                case "rstring" -> HealthCheck.HttpExpect.Kind.RSTRING;
                default -> throw new ConfigProblem("only supports [!] status, rstatus, string or rstring but got '"
                        + line.arg(i) + "' as argument", "write it as: " + line.syntax());
            };
            boolean isRegex = kind == HealthCheck.HttpExpect.Kind.RSTATUS || kind == HealthCheck.HttpExpect.Kind.RSTRING;
            List<Acl.IntRange> statuses = kind == HealthCheck.HttpExpect.Kind.STATUS ? statuses(value) : List.of();
            ownRules(line.proxy()).httpExpects.add(new HealthCheck.HttpExpect(negated, kind, value,
                    isRegex ? AclParser.regex(value, false) : null, statuses, line.location()));
        });
        r.add("http-check send", "d l b", "http-check send [meth METHOD] [uri URI] [ver VERSION] [hdr NAME VALUE]... "
                + "[body TEXT]", HealthCheckKeywords::httpSend);
        r.add("tcp-check connect", "d l b", "tcp-check connect [port PORT]", line -> {
            line.expectArgs(0, 2);
            int port = 0;
            if (line.argCount() > 0) {
                if (!line.arg(0).equals("port")) {
                    throw new ConfigProblem("'tcp-check connect' supports only 'port' (got '" + line.arg(0) + "')",
                            "write it as: " + line.syntax());
                }
                port = line.integer(1, 1, 65535);
            }
            step(line, HealthCheck.TcpStep.Kind.CONNECT, "", false, port);
        });
        r.add("tcp-check send", "d l b", "tcp-check send TEXT", line -> {
            line.expectArgs(1, 1);
            step(line, HealthCheck.TcpStep.Kind.SEND, line.arg(0), false, 0);
        });
        r.add("tcp-check send-binary", "d l b", "tcp-check send-binary HEX", line -> {
            line.expectArgs(1, 1);
            step(line, HealthCheck.TcpStep.Kind.SEND_BINARY, hex(line.arg(0)), false, 0);
        });
        r.add("tcp-check expect", "d l b", "tcp-check expect [!] string|rstring|binary VALUE", line -> {
            int i = expectStart(line);
            boolean negated = i == 1;
            String value = line.arg(i + 1);
            switch (line.arg(i)) {
                case "string" -> step(line, HealthCheck.TcpStep.Kind.EXPECT_STRING, value, negated, 0);
                case "rstring" -> step(line, HealthCheck.TcpStep.Kind.EXPECT_RSTRING, value, negated, 0);
                case "binary" -> step(line, HealthCheck.TcpStep.Kind.EXPECT_BINARY, hex(value), negated, 0);
                default -> throw new ConfigProblem("only supports [!] string, rstring or binary but got '"
                        + line.arg(i) + "' as argument", "write it as: " + line.syntax());
            }
        });

        ServerKeywords.server(r, "check", 0, "check", (o, a, l) -> o.check = true);
        ServerKeywords.server(r, "no-check", 0, "no-check", (o, a, l) -> o.check = false);
        ServerKeywords.server(r, "inter", 1, "inter TIME", (o, a, l) -> o.inter = positiveTime(a.get(0), "inter"));
        ServerKeywords.server(r, "fastinter", 1, "fastinter TIME", (o, a, l) -> o.fastinter = positiveTime(a.get(0), "fastinter"));
        ServerKeywords.server(r, "downinter", 1, "downinter TIME", (o, a, l) -> o.downinter = positiveTime(a.get(0), "downinter"));
        ServerKeywords.server(r, "rise", 1, "rise COUNT", (o, a, l) -> o.rise = (int) Values.integer(a.get(0), "rise", 1, 1000));
        ServerKeywords.server(r, "fall", 1, "fall COUNT", (o, a, l) -> o.fall = (int) Values.integer(a.get(0), "fall", 1, 1000));
        ServerKeywords.server(r, "port", 1, "port PORT", (o, a, l) -> o.checkPort = (int) Values.integer(a.get(0), "port", 1, 65535));
        ServerKeywords.server(r, "addr", 1, "addr ADDRESS", (o, a, l) -> o.checkAddress = address(a.get(0)));
        ServerKeywords.server(r, "slowstart", 1, "slowstart TIME", (o, a, l) -> o.slowstart = Values.time(a.get(0), "slowstart"));
        ServerKeywords.server(r, "observe", 1, "observe layer4|layer7", (o, a, l) -> o.observe = switch (a.get(0)) {
            case "layer4" -> ServerOptions.Observe.LAYER4;
            case "layer7" -> ServerOptions.Observe.LAYER7;
            default -> throw new ConfigProblem("unknown mode '" + a.get(0) + "'", "use 'layer4' or 'layer7'");
        });
        ServerKeywords.server(r, "error-limit", 1, "error-limit COUNT",
                (o, a, l) -> o.errorLimit = (int) Values.integer(a.get(0), "error-limit", 1, 1_000_000));
        ServerKeywords.server(r, "on-error", 1, "on-error fastinter|fail-check|sudden-death|mark-down",
                (o, a, l) -> o.onError = switch (a.get(0)) {
                    case "fastinter" -> ServerOptions.OnError.FASTINTER;
                    case "fail-check" -> ServerOptions.OnError.FAIL_CHECK;
                    case "sudden-death" -> ServerOptions.OnError.SUDDEN_DEATH;
                    case "mark-down" -> ServerOptions.OnError.MARK_DOWN;
                    default -> throw new ConfigProblem("unknown action '" + a.get(0) + "'",
                            "use fastinter, fail-check, sudden-death or mark-down");
                });
        ServerKeywords.server(r, "on-marked-down", 1, "on-marked-down shutdown-sessions", (o, a, l) -> {
            expectWord(a.get(0), "shutdown-sessions");
            o.onMarkedDownShutdownSessions = true;
        });
        ServerKeywords.server(r, "on-marked-up", 1, "on-marked-up shutdown-backup-sessions", (o, a, l) -> {
            expectWord(a.get(0), "shutdown-backup-sessions");
            o.onMarkedUpShutdownBackupSessions = true;
        });
    }

    /**
     * The proxy, with the expectations and TCP steps it inherited from its defaults dropped before its
     * first own rule. The request an HTTP check sends is kept: {@code option httpchk} or
     * {@code http-check send} in defaults still applies until the proxy says otherwise.
     */
    private static ProxyBuilder ownRules(ProxyBuilder p) {
        if (p.checkRulesInherited) {
            p.checkRulesInherited = false;
            p.httpExpects.clear();
            p.tcpSteps.clear();
        }
        return p;
    }

    private static void httpSend(Line line) {
        line.expectArgs(1, Integer.MAX_VALUE);
        ProxyBuilder p = ownRules(line.proxy());
        if (p.httpCheckSendLocation != null) {
            throw new ConfigProblem("only one 'http-check send' per section (the first is at " + p.httpCheckSendLocation
                    + ")", "put all of the request's parts on that line");
        }
        // Like HAProxy, the line completes the request of 'option httpchk' rather than replacing it.
        HealthCheck.HttpSend s = p.httpCheckSend;
        String method = s.method();
        String uri = s.uri();
        String version = s.version();
        List<String[]> headers = new ArrayList<>(s.headers());
        String body = s.body();
        Set<String> words = Set.of("meth", "uri", "ver", "body");
        for (int i = 0; i < line.argCount(); i++) {
            String w = line.arg(i);
            if (!words.contains(w) && !w.equals("hdr")) {
                throw new ConfigProblem("expects 'meth', 'uri', 'ver', 'hdr' or 'body' but got '" + w + "' as argument",
                        "write it as: " + line.syntax());
            }
            int n = w.equals("hdr") ? 2 : 1;
            if (i + n >= line.argCount()) {
                throw new ConfigProblem("'" + w + "' expects " + (n == 2 ? "a name and a value" : "an argument"),
                        "write it as: " + line.syntax());
            }
            String v = line.arg(++i);
            switch (w) {
                case "meth" -> method = HttpRuleKeywords.token(v, "method");
                case "uri" -> uri = v;
                case "ver" -> version = version(v);
                case "hdr" -> headers.add(new String[] {HttpRuleKeywords.headerName(v), line.arg(++i)});
                default -> body = v;
            }
        }
        p.httpCheckSend = new HealthCheck.HttpSend(method, uri, version, List.copyOf(headers), body);
        p.httpCheckSendLocation = line.location();
    }

    /** An HTTP version for checks: {@code HTTP/1.0} or {@code HTTP/1.1}. */
    static String version(String v) {
        if (!v.equals("HTTP/1.0") && !v.equals("HTTP/1.1")) {
            throw new ConfigProblem("unsupported HTTP version '" + v + "' for health checks", "use HTTP/1.0 or HTTP/1.1");
        }
        return v;
    }

    private static void step(Line line, HealthCheck.TcpStep.Kind kind, String data, boolean negated, int port) {
        ownRules(line.proxy()).tcpSteps.add(new HealthCheck.TcpStep(kind, data,
                kind == HealthCheck.TcpStep.Kind.EXPECT_RSTRING ? AclParser.regex(data, false) : null, negated, port,
                line.location()));
    }

    /** For {@code [!] KIND VALUE}: the index of KIND, once the line is known to have exactly those words. */
    private static int expectStart(Line line) {
        line.expectArgs(2, 3);
        int i = line.arg(0).equals("!") ? 1 : 0;
        line.expectArgs(i + 2, i + 2);
        return i;
    }

    /** {@code 200}, {@code 200-399}, {@code 200,301-302}. */
    private static List<Acl.IntRange> statuses(String value) {
        List<Acl.IntRange> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (!(c >= '0' && c <= '9') && c != '-') {
                    throw new ConfigProblem("invalid character '" + c + "' in the list of status codes '" + value + "'",
                            "write codes and ranges separated by commas, e.g. '200-399,404'");
                }
            }
            int dash = part.indexOf('-');
            long min = Values.integer(dash < 0 ? part : part.substring(0, dash), "http-check expect status", 100, 599);
            long max = dash < 0 ? min : Values.integer(part.substring(dash + 1), "http-check expect status", 100, 599);
            if (max < min) {
                throw new ConfigProblem("invalid status range '" + part + "'", "write the lower code first, e.g. '200-399'");
            }
            out.add(new Acl.IntRange(min, max));
        }
        return List.copyOf(out);
    }

    /** Decodes hexadecimal digits to one ISO-8859-1 character per byte. */
    private static String hex(String text) {
        if (text.length() % 2 != 0) {
            throw new ConfigProblem("invalid binary string '" + text + "' (odd number of hex digits)",
                    "write two hex digits per byte, e.g. '0d0a'");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i += 2) {
            int hi = Character.digit(text.charAt(i), 16);
            int lo = Character.digit(text.charAt(i + 1), 16);
            if (hi < 0 || lo < 0) {
                char bad = hi < 0 ? text.charAt(i) : text.charAt(i + 1);
                throw new ConfigProblem("invalid binary string (an hex digit is expected (found '" + bad + "'))",
                        "write two hex digits per byte, e.g. '0d0a'");
            }
            sb.append((char) (hi * 16 + lo));
        }
        return sb.toString();
    }

    private static long positiveTime(String text, String keyword) {
        long ms = Values.time(text, keyword);
        if (ms == 0) {
            throw new ConfigProblem("invalid value 0 for '" + keyword + "'", "use a delay above 0, e.g. '" + keyword + " 2s'");
        }
        return ms;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new ConfigProblem("invalid address: '" + text + "'", "use an IP address, or a name this machine can resolve");
        }
    }

    private static void expectWord(String got, String expected) {
        if (!got.equals(expected)) {
            throw new ConfigProblem("unknown action '" + got + "'", "the only action is '" + expected + "'");
        }
    }
}
