package io.ferry.log;

import io.ferry.config.LogFormat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link LogFormat} compiled for rendering {@link StreamLog}s, with HAProxy 2.6's layout: the
 * same variables, dates, {@code -} for empty strings, {@code %{+Q}} quoting of strings (not of
 * numbers or ports), {@code %{+Q}o} applying to every later variable, {@code #XX} escapes in
 * captured headers and the request line.
 *
 * <pre>{@code
 * String line = LogLineFormat.compile(LogFormat.HTTPLOG, ZoneId.systemDefault(), "ferry", 1234).render(record);
 * }</pre>
 *
 * <p>Sample expressions ({@code %[src]}) support the fetches a log line may use once the request is
 * gone: {@code src}, {@code src_port}, {@code dst}, {@code dst_port}, {@code method},
 * {@code always_true}, {@code always_false}, with the converters {@code lower} and {@code upper}.
 */
public final class LogLineFormat {

    private static final DateTimeFormatter DATE_MS =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter DATE_ZONE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private interface Node {
        void render(StreamLog r, StringBuilder out);
    }

    /**
     * Spaces in a format are separators, as in HAProxy: a run of them writes one space, and only
     * when something was written since the last one (a variable that writes nothing, such as
     * {@code %hr} without captures, leaves no double space).
     */
    private static final Node SEPARATOR = (r, out) -> out.append(' ');

    private final List<Node> nodes;

    private LogLineFormat(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** The line for {@code r}, without a newline. */
    public String render(StreamLog r) {
        StringBuilder b = new StringBuilder(160);
        boolean lastSpace = true;
        for (Node n : nodes) {
            if (n == SEPARATOR) {
                if (!lastSpace) {
                    b.append(' ');
                    lastSpace = true;
                }
                continue;
            }
            int before = b.length();
            n.render(r, b);
            lastSpace &= b.length() == before;
        }
        return b.toString();
    }

    /**
     * Compiles a format already checked by {@link LogFormat#parse}; dates are written in
     * {@code zone}, {@code %H} is {@code hostname}, {@code %pid} is {@code pid}.
     */
    public static LogLineFormat compile(LogFormat format, ZoneId zone, String hostname, long pid) {
        return new Compiler(format.text(), zone, hostname, pid).compile();
    }

    private static final class Compiler {
        private final String text;
        private final ZoneId zone;
        private final String hostname;
        private final long pid;
        private final List<Node> nodes = new ArrayList<>();
        private final StringBuilder literal = new StringBuilder();
        private boolean globalQuote;

        Compiler(String text, ZoneId zone, String hostname, long pid) {
            this.text = text;
            this.zone = zone;
            this.hostname = hostname;
            this.pid = pid;
        }

        LogLineFormat compile() {
            LogFormat.scan(text, new LogFormat.Visitor() {
                @Override
                public void text(char c) {
                    if (c != ' ') {
                        literal.append(c);
                        return;
                    }
                    flushLiteral();
                    if (nodes.isEmpty() || nodes.get(nodes.size() - 1) != SEPARATOR) {
                        nodes.add(SEPARATOR);
                    }
                }

                @Override
                public void variable(String name, Boolean quote) {
                    if (name.equals("o")) {
                        // %{+Q}o: the flags apply to every variable after it.
                        globalQuote = quote != null && quote;
                    } else {
                        add(Compiler.this.variable(name, quoting(quote)));
                    }
                }

                @Override
                public void sample(String expression, Boolean quote) {
                    add(Compiler.this.sample(expression, quoting(quote)));
                }
            });
            flushLiteral();
            return new LogLineFormat(List.copyOf(nodes));
        }

        private boolean quoting(Boolean own) {
            return own != null ? own : globalQuote;
        }

        private void add(Node n) {
            flushLiteral();
            nodes.add(n);
        }

        private void flushLiteral() {
            if (literal.length() > 0) {
                String s = literal.toString();
                literal.setLength(0);
                nodes.add((r, out) -> out.append(s));
            }
        }

        private Node variable(String name, boolean q) {
            return switch (name) {
                case "B" -> (r, o) -> o.append(r.bytesOut);
                case "U" -> (r, o) -> o.append(r.bytesIn);
                case "CC", "CS" -> (r, o) -> string(o, null, q);
                case "H" -> (r, o) -> string(o, hostname, q);
                case "HM" -> (r, o) -> string(o, r.method, q);
                case "HU" -> (r, o) -> string(o, r.uri == null ? null : escape(r.uri), q);
                case "HP" -> (r, o) -> string(o, r.uri == null ? null : escape(path(r.uri)), q);
                case "HPO" -> (r, o) -> string(o, r.uri == null ? null : escape(pathOnly(r.uri)), q);
                case "HQ" -> (r, o) -> string(o, r.uri == null ? null : query(r.uri), q);
                case "HV" -> (r, o) -> string(o, r.version, q);
                case "ID" -> (r, o) -> string(o, null, q);
                case "ST" -> (r, o) -> o.append(r.status);
                case "T" -> (r, o) -> o.append(DATE_ZONE.format(at(r.requestMillis, ZoneOffset.UTC)));
                case "Tl", "trl" -> (r, o) -> o.append(DATE_ZONE.format(at(r.requestMillis, zone)));
                case "trg" -> (r, o) -> o.append(DATE_ZONE.format(at(r.requestMillis, ZoneOffset.UTC)));
                case "t" -> (r, o) -> o.append(DATE_MS.format(at(r.acceptMillis, zone)));
                case "tr" -> (r, o) -> o.append(DATE_MS.format(at(r.requestMillis, zone)));
                case "Ts" -> (r, o) -> o.append(r.requestMillis / 1000);
                case "ms" -> (r, o) -> pad3(o, r.requestMillis % 1000);
                case "Ta" -> (r, o) -> o.append(r.ta());
                case "Tc" -> (r, o) -> o.append(r.tc());
                case "Td" -> (r, o) -> o.append(r.td());
                case "Th" -> (r, o) -> o.append(r.th());
                case "Ti" -> (r, o) -> o.append(r.ti());
                case "TR" -> (r, o) -> o.append(r.tR());
                case "Tr" -> (r, o) -> o.append(r.tr());
                case "Tt" -> (r, o) -> o.append(r.tt());
                case "Tw" -> (r, o) -> o.append(r.tw());
                case "ac" -> (r, o) -> o.append(r.actconn);
                case "fc" -> (r, o) -> o.append(r.feconn);
                case "bc" -> (r, o) -> o.append(r.beconn);
                case "sc" -> (r, o) -> o.append(r.srvconn);
                case "rc" -> (r, o) -> o.append(r.retries);
                case "sq" -> (r, o) -> o.append(r.serverQueue);
                case "bq" -> (r, o) -> o.append(r.backendQueue);
                case "b" -> (r, o) -> string(o, r.backend != null ? r.backend : r.frontend, q);
                case "f", "ft" -> (r, o) -> string(o, r.frontend, q);
                case "s" -> (r, o) -> string(o, r.server != null ? r.server : "<NOSRV>", q);
                case "ci" -> (r, o) -> ip(o, r, r.client, q);
                case "cp" -> (r, o) -> port(o, r, r.client);
                case "fi" -> (r, o) -> ip(o, r, r.local, q);
                case "fp" -> (r, o) -> port(o, r, r.local);
                case "si" -> (r, o) -> ip(o, r.serverAddress, q);
                case "sp" -> (r, o) -> port(o, r.serverAddress);
                case "bi", "bp" -> (r, o) -> o.append('-');
                case "hr" -> (r, o) -> captures(o, r.requestCaptures, q);
                case "hs" -> (r, o) -> captures(o, r.responseCaptures, q);
                case "hrl" -> (r, o) -> capturesList(o, r.requestCaptures, q);
                case "hsl" -> (r, o) -> capturesList(o, r.responseCaptures, q);
                case "lc" -> (r, o) -> o.append(0);
                case "pid" -> (r, o) -> o.append(pid);
                case "r" -> (r, o) -> string(o, requestLine(r), q);
                case "rt" -> (r, o) -> o.append(r.requestCounter);
                case "ts" -> (r, o) -> o.append(r.termination().code());
                case "tsc" -> (r, o) -> o.append(r.termination().code()).append(r.http ? "--" : "");
                default -> throw new IllegalArgumentException("log-format variable %" + name + " in '" + text + "'");
            };
        }

        private Node sample(String expr, boolean q) {
            String[] parts = expr.split(",");
            String fetch = parts[0];
            Node base = switch (fetch) {
                // not found on a unix socket, as in HAProxy
                case "src" -> (r, o) -> o.append(r.client == null ? "-" : r.client.getAddress().getHostAddress());
                case "src_port" -> (r, o) -> o.append(r.client == null ? "-" : Integer.toString(r.client.getPort()));
                case "dst" -> (r, o) -> o.append(r.local == null ? "-" : r.local.getAddress().getHostAddress());
                case "dst_port" -> (r, o) -> o.append(r.local == null ? "-" : Integer.toString(r.local.getPort()));
                case "method" -> (r, o) -> o.append(r.method == null ? "-" : r.method);
                case "always_true" -> (r, o) -> o.append(1);
                case "always_false" -> (r, o) -> o.append(0);
                default -> throw new IllegalArgumentException("sample fetch %[" + expr + "] cannot be logged");
            };
            Node converted = base;
            for (int i = 1; i < parts.length; i++) {
                boolean upper = parts[i].equals("upper");
                Node inner = converted;
                converted = (r, o) -> {
                    StringBuilder tmp = new StringBuilder();
                    inner.render(r, tmp);
                    o.append(upper ? tmp.toString().toUpperCase(Locale.ROOT) : tmp.toString().toLowerCase(Locale.ROOT));
                };
            }
            Node done = converted;
            return q ? (r, o) -> {
                o.append('"');
                done.render(r, o);
                o.append('"');
            } : done;
        }
    }

    private static ZonedDateTime at(long millis, ZoneId zone) {
        return Instant.ofEpochMilli(millis).atZone(zone);
    }

    private static void pad3(StringBuilder o, long v) {
        if (v < 100) {
            o.append('0');
        }
        if (v < 10) {
            o.append('0');
        }
        o.append(v);
    }

    /** A string variable: {@code -} when empty, {@code ""} when empty and quoted. */
    private static void string(StringBuilder o, String s, boolean quote) {
        if (quote) {
            o.append('"').append(s == null ? "" : s).append('"');
        } else {
            o.append(s == null || s.isEmpty() ? "-" : s);
        }
    }

    /** {@code %ci}, {@code %fi}: the address, or {@code unix} on a unix socket as HAProxy writes. */
    private static void ip(StringBuilder o, StreamLog r, InetSocketAddress a, boolean quote) {
        if (r.unixListener > 0) {
            string(o, "unix", quote);
        } else {
            ip(o, a, quote);
        }
    }

    /** {@code %cp}, {@code %fp}: the port, or the listener's id on a unix socket as HAProxy writes. */
    private static void port(StringBuilder o, StreamLog r, InetSocketAddress a) {
        if (r.unixListener > 0) {
            o.append(r.unixListener);
        } else {
            port(o, a);
        }
    }

    private static void ip(StringBuilder o, InetSocketAddress a, boolean quote) {
        InetAddress ip = a == null ? null : a.getAddress();
        string(o, ip == null ? null : ip.getHostAddress(), quote);
    }

    private static void port(StringBuilder o, InetSocketAddress a) {
        if (a == null) {
            o.append('-');
        } else {
            o.append(a.getPort());
        }
    }

    /** {@code %r}: the request line as received, {@code <BADREQ>} when there was none. */
    private static String requestLine(StreamLog r) {
        if (r.method == null) {
            return "<BADREQ>";
        }
        return escape(r.method + " " + r.uri + " " + r.version);
    }

    /** {@code %hr}: {@code {a|b}}, nothing at all without captures. */
    private static void captures(StringBuilder o, String[] values, boolean quote) {
        if (values.length == 0) {
            return;
        }
        if (quote) {
            o.append('"');
        }
        o.append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                o.append('|');
            }
            if (values[i] != null) {
                o.append(escape(values[i]));
            }
        }
        o.append('}');
        if (quote) {
            o.append('"');
        }
    }

    /** {@code %hrl}: the captures separated by spaces, each a string. */
    private static void capturesList(StringBuilder o, String[] values, boolean quote) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                o.append(' ');
            }
            string(o, values[i] == null ? null : escape(values[i]), quote);
        }
    }

    /**
     * HAProxy's escaping of captured headers and the request line: control characters, bytes
     * beyond ASCII, {@code "}, {@code #}, {@code {}, {@code |} and {@code }} become {@code #XX}.
     */
    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '{' || c == '|' || c == '}';
            if (bad && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (bad) {
                    b.append('#').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** {@code %HPO}: the path without an absolute URI's scheme and authority, and without the query. */
    private static String pathOnly(String uri) {
        String p = path(uri);
        int scheme = p.indexOf("://");
        if (scheme > 0) {
            int slash = p.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : p.substring(slash);
        }
        return p;
    }

    /** {@code %HQ}: the query string with its {@code ?}, empty when none. */
    private static String query(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q);
    }
}
