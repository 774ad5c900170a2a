package io.ferry.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code http-request} and {@code http-response} rules, each {@code ACTION [ARGS] [if|unless COND]},
 * and {@code errorfile}. Each action is its own keyword ({@code http-request deny}), so that the
 * registry, the messages and the documentation name it.
 */
final class HttpRuleKeywords {

    /** The statuses HAProxy has built-in error pages for: {@code errorfile} and {@code deny_status} accept these. */
    static final Set<Integer> ERROR_STATUSES =
            Set.of(200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504);

    private static final String TCHARS = "!#$%&'*+-.^_`|~";

    /** Parses the arguments of one action (the words before {@code if|unless}). */
    @FunctionalInterface
    private interface ActionParser {
        HttpAction parse(Line line, List<String> args);
    }

    private HttpRuleKeywords() {
    }

    static void register(KeywordRegistry r) {
        for (Side side : Side.values()) {
            action(r, side, "allow", "", (l, a) -> {
                none(l, a);
                return new HttpAction.Allow();
            });
            // HAProxy denies a response with 502 unless told otherwise.
            int denyStatus = side == Side.REQUEST ? 403 : 502;
            action(r, side, "deny", "[deny_status STATUS]", (l, a) -> deny(l, a, denyStatus));
            action(r, side, "return", "[status STATUS] [content-type TYPE] [string TEXT | lf-string FORMAT | file PATH]",
                    HttpRuleKeywords::returnAction);
            action(r, side, "redirect", "location|prefix|scheme TARGET [code 301|302|303|307|308] [drop-query] "
                    + "[append-slash]", HttpRuleKeywords::redirect);
            action(r, side, "set-header", "NAME FORMAT", (l, a) -> {
                exactly(l, a, 2);
                return new HttpAction.SetHeader(headerName(a.get(0)), LogFormat.parse(a.get(1)));
            });
            action(r, side, "add-header", "NAME FORMAT", (l, a) -> {
                exactly(l, a, 2);
                return new HttpAction.AddHeader(headerName(a.get(0)), LogFormat.parse(a.get(1)));
            });
            action(r, side, "del-header", "NAME", (l, a) -> {
                exactly(l, a, 1);
                return new HttpAction.DelHeader(headerName(a.get(0)));
            });
            action(r, side, "replace-header", "NAME REGEX REPLACEMENT", (l, a) -> {
                exactly(l, a, 3);
                return new HttpAction.ReplaceHeader(headerName(a.get(0)), AclParser.regex(a.get(1), false), LogFormat.parse(a.get(2)));
            });
        }
        action(r, Side.REQUEST, "set-path", "FORMAT", (l, a) -> {
            exactly(l, a, 1);
            return new HttpAction.SetPath(LogFormat.parse(a.get(0)));
        });
        action(r, Side.REQUEST, "set-query", "FORMAT", (l, a) -> {
            exactly(l, a, 1);
            return new HttpAction.SetQuery(LogFormat.parse(a.get(0)));
        });
        action(r, Side.REQUEST, "set-uri", "FORMAT", (l, a) -> {
            exactly(l, a, 1);
            return new HttpAction.SetUri(LogFormat.parse(a.get(0)));
        });
        action(r, Side.REQUEST, "auth", "[realm REALM]", (l, a) -> {
            if (a.isEmpty()) {
                return new HttpAction.Auth(l.proxy().name);
            }
            if (a.size() != 2 || !a.get(0).equals("realm")) {
                throw new ConfigProblem("'http-request auth' expects 'realm' followed by a realm name",
                        "write it as: " + l.syntax());
            }
            return new HttpAction.Auth(a.get(1));
        });
        action(r, Side.REQUEST, "use-service", "prometheus-exporter", (l, a) -> {
            exactly(l, a, 1);
            if (!a.get(0).equals("prometheus-exporter")) {
                throw new ConfigProblem("'" + a.get(0) + "' unknown service name", "Ferry's only service is 'prometheus-exporter'");
            }
            return new HttpAction.UseService(a.get(0));
        });
        r.add("errorfile", "d f l b", "errorfile STATUS FILE", line -> {
            line.expectArgs(2, 2);
            int status = (int) Values.integer(line.arg(0), "errorfile", 100, 599);
            if (!ERROR_STATUSES.contains(status)) {
                throw new ConfigProblem("status code '" + status + "' not handled", "use one of " + statusList());
            }
            byte[] body = readFile(line.arg(1));
            if (body.length > 0 && !startsWithStatusLine(body)) {
                throw new ConfigProblem("'" + line.arg(1) + "': unable to parse headers (error offset: 0)",
                        "the file must hold a whole HTTP response, starting with e.g. 'HTTP/1.0 503 Service Unavailable'");
            }
            line.proxy().errorFiles.put(status, line.located(body));
        });
    }

    /** Which list a rule goes to. */
    private enum Side {
        REQUEST("http-request"), RESPONSE("http-response");

        final String keyword;

        Side(String keyword) {
            this.keyword = keyword;
        }
    }

    private static void action(KeywordRegistry r, Side side, String action, String args, ActionParser parser) {
        String name = side.keyword + " " + action;
        String syntax = name + (args.isEmpty() ? "" : " " + args) + " [if|unless CONDITION]";
        r.add(name, "d f l b", syntax, line -> {
            if (line.section() == SectionKind.DEFAULTS && line.proxy().name.isEmpty()) {
                throw new ConfigProblem("'" + side.keyword + "' not allowed in anonymous 'defaults' section",
                        "name the section ('defaults NAME') so that proxies can use its rules, or move the rule to a "
                                + "frontend, backend or listen section");
            }
            int end = line.conditionStart(0);
            HttpAction a = parser.parse(line, line.args(0).subList(0, end));
            Acl.Condition condition = line.condition(end);
            List<HttpRule> rules = side == Side.REQUEST ? line.proxy().httpRequestRules : line.proxy().httpResponseRules;
            if (!rules.isEmpty()) {
                HttpRule last = rules.get(rules.size() - 1);
                if (last.condition() == null && isFinal(last.action())) {
                    line.warn("previous '" + side.keyword + "' action at " + last.location()
                            + " is final and has no condition attached, so this rule is never reached",
                            "add a condition to the previous rule or move this one above it");
                }
            }
            rules.add(new HttpRule(a, condition, line.location()));
        });
    }

    private static boolean isFinal(HttpAction a) {
        return a instanceof HttpAction.Allow || a instanceof HttpAction.Deny || a instanceof HttpAction.Return
                || a instanceof HttpAction.Redirect || a instanceof HttpAction.UseService || a instanceof HttpAction.Auth;
    }

    private static void none(Line line, List<String> args) {
        if (!args.isEmpty()) {
            throw new ConfigProblem("'" + line.keyword() + "' expects either 'if' or 'unless' followed by a condition "
                    + "but found '" + args.get(0) + "'", "write it as: " + line.syntax());
        }
    }

    private static void exactly(Line line, List<String> args, int n) {
        if (args.size() != n) {
            throw new ConfigProblem("'" + line.keyword() + "' expects exactly " + n + " argument" + (n > 1 ? "s" : "")
                    + ", got " + args.size(), "write it as: " + line.syntax());
        }
    }

    private static HttpAction deny(Line line, List<String> args, int defaultStatus) {
        if (args.isEmpty()) {
            return new HttpAction.Deny(defaultStatus);
        }
        if (!args.get(0).equals("deny_status")) {
            throw new ConfigProblem("'" + line.keyword() + "' does not support '" + args.get(0) + "'",
                    "write it as: " + line.syntax() + "; for a custom body use '"
                            + line.keyword().replace("deny", "return") + "'");
        }
        if (args.size() != 2) {
            throw new ConfigProblem("'deny_status' expects one status code", "write it as: " + line.syntax());
        }
        int status = status(args.get(1));
        if (!ERROR_STATUSES.contains(status)) {
            throw new ConfigProblem("status code '" + status + "' has no built-in error page", "use one of " + statusList());
        }
        return new HttpAction.Deny(status);
    }

    private static HttpAction returnAction(Line line, List<String> args) {
        int status = 200;
        String contentType = null;
        byte[] body = new byte[0];
        LogFormat bodyFormat = null;
        String payloadKind = null;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            if (!Set.of("status", "content-type", "string", "lf-string", "file").contains(w)) {
                throw new ConfigProblem("'" + line.keyword() + "' does not support '" + w + "'",
                        "write it as: " + line.syntax());
            }
            if (i + 1 >= args.size()) {
                throw new ConfigProblem("'" + w + "' expects an argument", "write it as: " + line.syntax());
            }
            String v = args.get(++i);
            switch (w) {
                case "status" -> status = status(v);
                case "content-type" -> contentType = v;
                default -> {
                    if (payloadKind != null) {
                        throw new ConfigProblem("'" + w + "' conflicts with '" + payloadKind + "': a response has one payload",
                                "keep only one of string, lf-string and file");
                    }
                    payloadKind = w;
                    switch (w) {
                        case "string" -> body = v.getBytes(StandardCharsets.UTF_8);
                        case "lf-string" -> bodyFormat = LogFormat.parse(v);
                        default -> body = readFile(v);
                    }
                }
            }
        }
        boolean hasPayload = body.length > 0 || bodyFormat != null;
        if (hasPayload && (status == 204 || status == 304)) {
            throw new ConfigProblem("no body expected for " + status + " responses", "remove the payload or change the status");
        }
        if (hasPayload && contentType == null) {
            throw new ConfigProblem("a content type must be defined when a non-empty payload is configured",
                    "add e.g. 'content-type text/plain'");
        }
        return new HttpAction.Return(status, contentType, body, bodyFormat);
    }

    private static HttpAction redirect(Line line, List<String> args) {
        if (args.isEmpty()) {
            throw new ConfigProblem("'" + line.keyword() + "' expects 'location', 'prefix' or 'scheme' and a target",
                    "write it as: " + line.syntax());
        }
        HttpAction.Redirect.Kind kind = switch (args.get(0)) {
            case "location" -> HttpAction.Redirect.Kind.LOCATION;
            case "prefix" -> HttpAction.Redirect.Kind.PREFIX;
            case "scheme" -> HttpAction.Redirect.Kind.SCHEME;
            default -> throw new ConfigProblem("expects 'location', 'prefix' or 'scheme' (was '" + args.get(0) + "')",
                    "write it as: " + line.syntax());
        };
        if (args.size() < 2) {
            throw new ConfigProblem("'" + args.get(0) + "' expects a target", "write it as: " + line.syntax());
        }
        LogFormat target = LogFormat.parse(args.get(1));
        int code = 302;
        boolean dropQuery = false;
        boolean appendSlash = false;
        for (int i = 2; i < args.size(); i++) {
            switch (args.get(i)) {
                case "code" -> {
                    if (i + 1 >= args.size()) {
                        throw new ConfigProblem("'code' expects a status code", "write e.g. 'code 301'");
                    }
                    code = status(args.get(++i));
                    if (!Set.of(301, 302, 303, 307, 308).contains(code)) {
                        throw new ConfigProblem("'code': unsupported HTTP code '" + code + "'",
                                "use one of 301, 302, 303, 307 or 308");
                    }
                }
                case "drop-query" -> dropQuery = true;
                case "append-slash" -> appendSlash = true;
                default -> throw new ConfigProblem("expects 'code', 'drop-query' or 'append-slash' (was '" + args.get(i) + "')",
                        "write it as: " + line.syntax());
            }
        }
        return new HttpAction.Redirect(kind, target, code, dropQuery, appendSlash);
    }

    private static int status(String s) {
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 200 || n > 599) {
            throw new ConfigProblem("unexpected status code '" + s + "'", "use a status between 200 and 599");
        }
        return n;
    }

    private static String statusList() {
        return ERROR_STATUSES.stream().sorted().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** A header name: an RFC 9110 token. */
    static String headerName(String name) {
        return token(name, "header name");
    }

    /** An RFC 9110 token (header names, methods). */
    static String token(String s, String what) {
        if (s.isEmpty()) {
            throw new ConfigProblem("empty " + what, "write a " + what + " made of letters, digits and " + TCHARS);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || TCHARS.indexOf(c) >= 0;
            if (!ok) {
                throw new ConfigProblem("character '" + c + "' is not allowed in " + what + " '" + s + "'",
                        "use letters, digits and " + TCHARS);
            }
        }
        return s;
    }

    /** Reads a file named in the configuration; relative paths start from the working directory, as in HAProxy. */
    static byte[] readFile(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new ConfigProblem("error opening file '" + file + "'",
                    "check that the file exists and is readable (relative paths start from the working directory)");
        }
    }

    private static boolean startsWithStatusLine(byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 9), StandardCharsets.ISO_8859_1);
        return head.equals("HTTP/1.0 ") || head.equals("HTTP/1.1 ");
    }
}
