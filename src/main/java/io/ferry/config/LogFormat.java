package io.ferry.config;

import java.util.Set;

/**
 * A log-format string as written ({@code %ci:%cp [%tr] %{+Q}r}, {@code %[src]}): used by
 * {@code log-format}, {@code option httplog|tcplog} and the values of header rules. {@link #parse}
 * has checked every {@code %} directive; the runtime renders it.
 */
public record LogFormat(String text) {

    /** {@code option tcplog}. */
    public static final LogFormat TCPLOG =
            new LogFormat("%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq");

    /** {@code option httplog}. */
    public static final LogFormat HTTPLOG = new LogFormat("%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC "
            + "%CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r");

    /** {@code option httplog clf}: the Common Log Format followed by HAProxy's fields. */
    public static final LogFormat HTTPLOG_CLF = new LogFormat("%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp "
            + "%ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl");

    /** HAProxy's log-format variables. */
    private static final Set<String> VARIABLES = Set.of("o", "B", "CC", "CS", "H", "HM", "HP", "HPO", "HQ", "HU",
            "HV", "ID", "ST", "T", "Ta", "Tc", "Td", "Th", "Ti", "Tl", "TR", "Tr", "Ts", "Tt", "Tw", "U", "ac", "b",
            "bc", "bi", "bp", "bq", "ci", "cp", "f", "fc", "fi", "fp", "ft", "hr", "hrl", "hs", "hsl", "lc", "ms",
            "pid", "r", "rc", "rt", "s", "sc", "si", "sp", "sq", "t", "tr", "trg", "trl", "ts", "tsc");

    private static final Set<String> FLAGS = Set.of("Q", "X", "E");

    /** Whether the format is plain text with no {@code %} directive. */
    public boolean isLiteral() {
        return text.indexOf('%') < 0;
    }

    /**
     * Checks a format: {@code %%}, {@code %VAR}, {@code %{+FLAG...}VAR}, {@code %[FETCH[,CONVERTER...]]}.
     * Sample fetches are the ACL criteria Ferry knows; converters {@code lower} and {@code upper}.
     */
    public static LogFormat parse(String text) {
        return parse(text, false);
    }

    /**
     * Checks a format whose line is written once the stream is over ({@code log-format}): as in
     * HAProxy, the request's headers are gone by then, so fetches that read them are refused.
     */
    static LogFormat parseForLog(String text) {
        return parse(text, true);
    }

    private static LogFormat parse(String text, boolean atLogTime) {
        scan(text, new Visitor() {
            @Override
            public void text(char c) {
            }

            @Override
            public void variable(String name, Boolean quote) {
                if (!VARIABLES.contains(name)) {
                    throw new ConfigProblem("no such format variable '" + name + "'",
                            "if you wanted to emit the '%' character verbatim, you need to use '%%'");
                }
            }

            @Override
            public void sample(String expression, Boolean quote) {
                LogFormat.sample(expression, atLogTime);
            }
        });
        return new LogFormat(text);
    }

    /** What {@link #scan} finds in a format, in order. */
    public interface Visitor {

        /** A character written as is ({@code %%} gives {@code %}). */
        void text(char c);

        /** {@code %NAME}; {@code quote} is true for {@code +Q}, false for {@code -Q}, null when neither is given. */
        void variable(String name, Boolean quote);

        /** {@code %[EXPRESSION]}, with its {@code quote} flag as for {@link #variable}. */
        void sample(String expression, Boolean quote);
    }

    /**
     * Walks a format: {@code %%}, {@code %VAR}, {@code %{+FLAG...}VAR}, {@code %[FETCH[,CONVERTER...]]};
     * throws {@link ConfigProblem} on unclosed braces or brackets and unknown flags.
     */
    public static void scan(String text, Visitor visitor) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c != '%') {
                visitor.text(c);
                continue;
            }
            if (i < text.length() && text.charAt(i) == '%') {
                visitor.text('%');
                i++;
                continue;
            }
            Boolean quote = null;
            if (i < text.length() && text.charAt(i) == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new ConfigProblem("missing '}' after '%{' in log-format '" + text + "'",
                            "close the flags, e.g. '%{+Q}r'");
                }
                for (String f : text.substring(i + 1, close).split("(?=[+-])")) {
                    if (f.length() < 2 || !FLAGS.contains(f.substring(1))) {
                        throw new ConfigProblem("unknown log-format flag '" + f + "' in '" + text + "'",
                                "use +Q, -Q, +X or +E");
                    }
                    if (f.substring(1).equals("Q")) {
                        quote = f.charAt(0) == '+';
                    }
                }
                i = close + 1;
            }
            if (i < text.length() && text.charAt(i) == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new ConfigProblem("missing ']' after '%[' in log-format '" + text + "'",
                            "close the sample expression, e.g. '%[src]'");
                }
                visitor.sample(text.substring(i + 1, close), quote);
                i = close + 1;
                continue;
            }
            int start = i;
            while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            visitor.variable(text.substring(start, i), quote);
        }
    }

    /** The fetches that do not read the HTTP request, so a log line may use them. */
    private static final Set<String> AT_LOG_TIME = Set.of("method", "src", "src_port", "dst", "dst_port",
            "always_true", "always_false");

    private static void sample(String expr, boolean atLogTime) {
        String[] parts = expr.split(",");
        String head = parts[0];
        int paren = head.indexOf('(');
        String name = paren < 0 ? head : head.substring(0, paren);
        if (Fetches.find(name) == null) {
            String guess = Suggestions.closest(name, Fetches.names());
            throw new ConfigProblem("unknown sample fetch '" + name + "' in '%[" + expr + "]'",
                    guess != null ? "did you mean '" + guess + "'?" : "use one of the ACL criteria in docs/configuration.md");
        }
        if (atLogTime && !AT_LOG_TIME.contains(name)) {
            throw new ConfigProblem("sample fetch '" + name + "' in '%[" + expr + "]' needs the HTTP request headers, "
                    + "which are no longer available when the log line is written",
                    "use a variable such as %HU, %HP, %HQ or %HV, or capture a header with 'capture request header' "
                            + "and log it with %hr");
        }
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].equals("lower") && !parts[i].equals("upper")) {
                throw new ConfigProblem("converter '" + parts[i] + "' is not supported by Ferry in '%[" + expr + "]'",
                        "use 'lower' or 'upper', or remove the converter");
            }
        }
    }
}
