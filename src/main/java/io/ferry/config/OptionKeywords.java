package io.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code option} family. Every option may appear in any proxy section, as in HAProxy: one that
 * only has an effect on the frontend or the backend side is accepted on the other side with a
 * warning saying it is ignored there. {@code no option X} turns an inherited option off, except for
 * the options that take arguments, which HAProxy does not let you negate.
 */
final class OptionKeywords {

    /**
     * Options that exclude each other, as in HAProxy: setting one clears the others of its group
     * (the HTTP connection modes, the check types, the predefined log formats).
     */
    private static final List<Set<ProxyOption>> EXCLUSIVE = List.of(
            Set.of(ProxyOption.HTTP_KEEP_ALIVE, ProxyOption.HTTP_SERVER_CLOSE, ProxyOption.HTTPCLOSE),
            Set.of(ProxyOption.HTTPCHK, ProxyOption.TCP_CHECK),
            Set.of(ProxyOption.HTTPLOG, ProxyOption.TCPLOG));

    private OptionKeywords() {
    }

    static void register(KeywordRegistry r) {
        for (ProxyOption o : ProxyOption.values()) {
            switch (o) {
                case FORWARDFOR -> add(r, o, "option forwardfor [except NETWORK] [header NAME] [if-none]", false,
                        OptionKeywords::forwardfor);
                case HTTPLOG -> add(r, o, "option httplog [clf]", false, OptionKeywords::httplog);
                case TCPLOG -> add(r, o, "option tcplog", false, line -> {
                    line.expectArgs(0, 0);
                    line.proxy().logFormat = LogFormat.TCPLOG;
                });
                case HTTPCHK -> add(r, o, "option httpchk [METHOD] [URI] [VERSION]", false, OptionKeywords::httpchk);
                case TCP_CHECK -> add(r, o, "option tcp-check", false, line -> line.expectArgs(0, 0));
                default -> add(r, o, "[no] option " + o.word(), true, line -> line.expectArgs(0, 0));
            }
        }
    }

    /**
     * Registers {@code option WORD}: checks where it has an effect, runs the parser for the
     * arguments, then records the flag (cleared by {@code no}).
     */
    private static void add(KeywordRegistry r, ProxyOption o, String syntax, boolean negatable, Keyword.Parser args) {
        r.add(new Keyword("option " + o.word(), ProxyOption.parseSections("d f l b"), syntax, negatable, line -> {
            ProxyBuilder p = line.proxy();
            if (!o.sections().contains(p.kind)) {
                String missing = o.sections().contains(SectionKind.FRONTEND) ? "frontend" : "backend";
                line.warn("'" + o.word() + "' ignored because " + p.kind.keyword() + " '" + p.name + "' has no "
                        + missing + " capability", "move 'option " + o.word() + "' to a " + missing
                        + ", listen or defaults section");
            }
            args.parse(line);
            if (line.negated()) {
                p.options.put(o, line.located(false));
                return;
            }
            for (Set<ProxyOption> group : EXCLUSIVE) {
                if (group.contains(o)) {
                    group.forEach(p.options::remove);
                }
            }
            p.options.put(o, line.located(true));
        }));
    }

    private static void forwardfor(Line line) {
        Acl.Network except = null;
        String header = ForwardFor.DEFAULT_HEADER;
        boolean ifNone = false;
        for (int i = 0; i < line.argCount(); i++) {
            switch (line.arg(i)) {
                case "except" -> {
                    if (i + 1 >= line.argCount()) {
                        throw new ConfigProblem("'option forwardfor except' expects ADDRESS[/MASK] as argument",
                                "write e.g. 'option forwardfor except 127.0.0.0/8'");
                    }
                    except = AclParser.network(line.arg(++i));
                }
                case "header" -> {
                    if (i + 1 >= line.argCount() || line.arg(i + 1).isEmpty()) {
                        throw new ConfigProblem("'option forwardfor header' expects a header name as argument",
                                "write e.g. 'option forwardfor header X-Client-IP'");
                    }
                    header = HttpRuleKeywords.headerName(line.arg(++i));
                }
                case "if-none" -> ifNone = true;
                default -> throw new ConfigProblem("'option forwardfor' only supports the optional values 'except', "
                        + "'header' and 'if-none' (got '" + line.arg(i) + "')", "write it as: " + line.syntax());
            }
        }
        line.proxy().forwardFor = new ForwardFor(except, header, ifNone, line.location());
    }

    private static void httplog(Line line) {
        line.expectArgs(0, 1);
        boolean clf = line.argCount() == 1;
        if (clf && !line.arg(0).equals("clf")) {
            throw new ConfigProblem("'option httplog' only supports the option 'clf' (got '" + line.arg(0) + "')",
                    "write 'option httplog' or 'option httplog clf'");
        }
        line.proxy().logFormat = clf ? LogFormat.HTTPLOG_CLF : LogFormat.HTTPLOG;
    }

    /**
     * {@code option httpchk [URI]}, {@code [METHOD URI]} or {@code [METHOD URI VERSION]}. Headers
     * hidden after the version with {@code \r\n} are still read, with HAProxy's deprecation warning.
     */
    private static void httpchk(Line line) {
        line.expectArgs(0, 3);
        HealthCheck.HttpSend d = HealthCheck.HttpSend.DEFAULT;
        String method = d.method();
        String uri = d.uri();
        String version = d.version();
        List<String[]> headers = new ArrayList<>();
        if (line.argCount() == 1) {
            uri = line.arg(0);
        } else if (line.argCount() >= 2) {
            method = HttpRuleKeywords.token(line.arg(0), "method");
            uri = line.arg(1);
        }
        if (line.argCount() == 3) {
            String[] parts = line.arg(2).split("\r\n", -1);
            version = parts[0];
            if (parts.length > 1) {
                line.warn("hiding headers or body at the end of the version string is deprecated",
                        "use 'http-check send meth " + method + " uri " + uri + " ver " + version + " hdr NAME VALUE'");
                for (int i = 1; i < parts.length; i++) {
                    if (parts[i].isEmpty()) {
                        continue;
                    }
                    int colon = parts[i].indexOf(':');
                    if (colon <= 0) {
                        throw new ConfigProblem("hidden header '" + parts[i] + "' has no 'NAME:' part",
                                "write headers as 'Name: value'");
                    }
                    headers.add(new String[] {HttpRuleKeywords.headerName(parts[i].substring(0, colon)),
                        parts[i].substring(colon + 1).strip()});
                }
            }
        }
        HealthCheckKeywords.version(version);
        line.proxy().httpCheckSend = new HealthCheck.HttpSend(method, uri, version, List.copyOf(headers), "");
    }
}
