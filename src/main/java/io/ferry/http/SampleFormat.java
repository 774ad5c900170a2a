package io.ferry.http;

import io.ferry.config.LogFormat;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link LogFormat} compiled for the values of {@code http-request} and {@code http-response}
 * rules ({@code set-header X-Client %[src]}), rendered each time a rule runs, as HAProxy 2.6 does:
 * spaces are kept, a sample that is missing (a header the message does not have) writes nothing,
 * {@code %{+Q}} quotes a present value.
 *
 * <p>Sample fetches: every ACL criterion that yields a value ({@code hdr(NAME)} gives the last
 * comma-separated element of the last occurrence, and in response rules reads the response's
 * headers; {@code req.hdr(NAME)} always reads the request's), with the converters {@code lower} and
 * {@code upper}. Variables: see {@link #VARIABLES}; {@link #problem} names any other part of a
 * format, which the runtime refuses at start.
 *
 * <pre>{@code
 * String v = SampleFormat.compile(format).render(new SampleFormat.Scope(sample, null, "fe", "be"));
 * }</pre>
 */
public final class SampleFormat {

    /**
     * What a rule's value can read when it runs: the request, the response (null in request
     * rules), and the names of the frontend and of the backend (the frontend's until routed).
     */
    public record Scope(RequestSample request, HttpResponse response, String frontend, String backend) {
    }

    /** The log-format variables a rule value may use: those known while a message is being handled. */
    static final Set<String> VARIABLES = Set.of("ci", "cp", "fi", "fp", "f", "ft", "b", "HM", "HU", "HP", "HPO", "HQ",
            "HV", "r", "pid");

    /** Fetches that are ACL matching forms, not values. */
    private static final Set<String> MATCH_SUFFIXES = Set.of("_beg", "_end", "_sub", "_reg", "_dom", "_dir", "_len");

    private interface Part {
        void render(Scope s, StringBuilder out);
    }

    private final List<Part> parts;
    private final String literal;

    private SampleFormat(List<Part> parts, String literal) {
        this.parts = parts;
        this.literal = literal;
    }

    /**
     * Why the runtime cannot render {@code format} in a rule of this side, or null when it can.
     * {@code %ST} (the status) is known in response rules only.
     */
    public static String problem(LogFormat format, boolean response) {
        List<String> found = new ArrayList<>();
        LogFormat.scan(format.text(), new LogFormat.Visitor() {
            @Override
            public void text(char c) {
            }

            @Override
            public void variable(String name, Boolean quote) {
                if (!VARIABLES.contains(name) && !(response && name.equals("ST"))) {
                    found.add("the log-format variable '%" + name + "' has no value while a rule runs (rule values may use "
                            + String.join(", ", VARIABLES.stream().sorted().map(v -> "%" + v).toList())
                            + (response ? ", %ST" : "") + " and sample fetches)");
                }
            }

            @Override
            public void sample(String expression, Boolean quote) {
                String name = fetchName(expression.split(",")[0]);
                for (String suffix : MATCH_SUFFIXES) {
                    if (name.endsWith(suffix)) {
                        found.add("'%[" + expression + "]' is an ACL matching form, not a value (write the fetch "
                                + "without '" + suffix + "')");
                        return;
                    }
                }
                if (name.equals("hdr_found")) {
                    found.add("'%[" + expression + "]' is an ACL matching form, not a value");
                }
            }
        });
        return found.isEmpty() ? null : found.get(0);
    }

    /** Compiles a format that {@link #problem} accepts. */
    public static SampleFormat compile(LogFormat format) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        LogFormat.scan(format.text(), new LogFormat.Visitor() {
            @Override
            public void text(char c) {
                text.append(c);
            }

            @Override
            public void variable(String name, Boolean quote) {
                flush(parts, text);
                Value v = SampleFormat.variable(name);
                parts.add((s, out) -> append(out, v.get(s), quote));
            }

            @Override
            public void sample(String expression, Boolean quote) {
                flush(parts, text);
                Value v = SampleFormat.sample(expression);
                parts.add((s, out) -> append(out, v.get(s), quote));
            }
        });
        boolean onlyText = parts.isEmpty();
        flush(parts, text);
        return new SampleFormat(List.copyOf(parts), onlyText ? format.text().replace("%%", "%") : null);
    }

    /** The value for one message. */
    public String render(Scope s) {
        if (literal != null) {
            return literal;
        }
        StringBuilder b = new StringBuilder(64);
        for (Part p : parts) {
            p.render(s, b);
        }
        return b.toString();
    }

    private static void flush(List<Part> parts, StringBuilder text) {
        if (text.length() > 0) {
            String t = text.toString();
            text.setLength(0);
            parts.add((s, out) -> out.append(t));
        }
    }

    /** A present value is written as is, or quoted with {@code %{+Q}}; a missing one writes nothing. */
    private static void append(StringBuilder out, String v, Boolean quote) {
        if (v == null) {
            return;
        }
        if (quote != null && quote) {
            out.append('"').append(v).append('"');
        } else {
            out.append(v);
        }
    }

    @FunctionalInterface
    private interface Value {
        String get(Scope s);
    }

    private static Value variable(String name) {
        return switch (name) {
            // on a unix socket HAProxy writes "unix" for the addresses and the listener's id for the ports
            case "ci" -> s -> s.request().unixListener() > 0 ? "unix" : ip(s.request().sourceAddress());
            case "cp" -> s -> s.request().unixListener() > 0 ? Integer.toString(s.request().unixListener())
                    : Integer.toString(s.request().sourceAddress().getPort());
            case "fi" -> s -> s.request().unixListener() > 0 ? "unix" : ip(s.request().destination());
            case "fp" -> s -> s.request().unixListener() > 0 ? Integer.toString(s.request().unixListener())
                    : Integer.toString(s.request().destination().getPort());
            case "f", "ft" -> Scope::frontend;
            case "b" -> Scope::backend;
            case "HM" -> s -> s.request().method();
            case "HU" -> s -> s.request().url();
            case "HP" -> s -> {
                String u = s.request().url();
                int q = u.indexOf('?');
                return q < 0 ? u : u.substring(0, q);
            };
            case "HPO" -> s -> s.request().path();
            case "HQ" -> s -> s.request().query() == null ? "" : "?" + s.request().query();
            case "HV" -> s -> s.request().request().protocolVersion().text();
            case "r" -> s -> s.request().method() + " " + s.request().url() + " "
                    + s.request().request().protocolVersion().text();
            case "pid" -> s -> Long.toString(ProcessHandle.current().pid());
            case "ST" -> s -> s.response() == null ? null : Integer.toString(s.response().status().code());
            default -> throw new IllegalArgumentException("log-format variable %" + name + " in a rule value");
        };
    }

    private static Value sample(String expression) {
        String[] chain = expression.split(",");
        String head = chain[0];
        String name = fetchName(head);
        int paren = head.indexOf('(');
        String arg = paren < 0 ? "" : head.substring(paren + 1, head.lastIndexOf(')'));
        Value base = switch (name) {
            case "hdr" -> s -> last(headers(s, true).getAll(arg));
            case "req.hdr" -> s -> last(s.request().request().headers().getAll(arg));
            case "hdr_cnt", "req.hdr_cnt" -> s -> Integer.toString(count(name.equals("hdr_cnt") ? headers(s, true)
                    : s.request().request().headers(), arg));
            case "path" -> s -> s.request().path();
            case "url" -> s -> s.request().url();
            case "base" -> s -> s.request().base();
            case "query" -> s -> s.request().query();
            case "url_param", "urlp" -> s -> s.request().urlParam(arg);
            case "method" -> s -> s.request().method();
            case "req.ver", "req_ver" -> s -> s.request().version();
            // not found on a unix socket
            case "src" -> s -> ip(s.request().sourceAddress());
            case "dst" -> s -> ip(s.request().destination());
            case "src_port" -> s -> port(s.request().sourceAddress());
            case "dst_port" -> s -> port(s.request().destination());
            case "always_true", "req.proto_http" -> s -> "1";
            case "always_false" -> s -> "0";
            default -> throw new IllegalArgumentException("sample fetch %[" + expression + "] in a rule value");
        };
        Value v = base;
        for (int i = 1; i < chain.length; i++) {
            boolean upper = chain[i].equals("upper");
            Value inner = v;
            v = s -> {
                String x = inner.get(s);
                return x == null ? null : upper ? x.toUpperCase(Locale.ROOT) : x.toLowerCase(Locale.ROOT);
            };
        }
        return v;
    }

    private static String fetchName(String head) {
        int paren = head.indexOf('(');
        return paren < 0 ? head : head.substring(0, paren);
    }

    /** {@code hdr()}: the response's headers in a response rule, the request's otherwise. */
    private static HttpHeaders headers(Scope s, boolean directional) {
        return directional && s.response() != null ? s.response().headers() : s.request().request().headers();
    }

    /** HAProxy's {@code hdr(NAME)} value: the last comma-separated element of the last occurrence. */
    private static String last(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        String v = values.get(values.size() - 1);
        int comma = v.lastIndexOf(',');
        return (comma < 0 ? v : v.substring(comma + 1)).strip();
    }

    private static int count(HttpHeaders headers, String name) {
        int n = 0;
        for (String v : name.isEmpty() ? headers.entries().stream().map(java.util.Map.Entry::getValue).toList()
                : headers.getAll(name)) {
            n += v.split(",", -1).length;
        }
        return n;
    }

    /** An address as HAProxy writes it (RFC 5952 for IPv6). */
    static String ip(InetSocketAddress a) {
        return a == null ? null : NetUtil.toAddressString(a.getAddress());
    }

    private static String port(InetSocketAddress a) {
        return a == null ? null : Integer.toString(a.getPort());
    }
}
