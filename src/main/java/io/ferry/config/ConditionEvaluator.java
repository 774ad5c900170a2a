package io.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Evaluates the conditions of {@code .if} / {@code .elif} blocks and of {@code ferry -cc}.
 *
 * <pre>
 * expr   := and ( "||" and )*
 * and    := factor ( "&amp;&amp;" factor )*
 * factor := "!" factor | "(" expr ")" | predicate | integer
 * predicate := defined(NAME) | feature(NAME) | streq(A,B) | strneq(A,B)
 *            | version_atleast(V) | version_before(V)
 * </pre>
 *
 * <p>An integer is true when it is not zero; an empty condition is false. Versions compare
 * dot-separated numbers one by one against the HAProxy language level Ferry implements
 * ({@link #LANGUAGE_VERSION}), so that configurations written for HAProxy select the blocks meant
 * for that version.
 */
public final class ConditionEvaluator {

    /** How deeply parentheses may nest; deeper conditions are refused rather than overflow the stack. */
    static final int MAX_DEPTH = 100;

    /** The HAProxy version whose configuration language Ferry reads. */
    public static final String LANGUAGE_VERSION = "2.6";

    private final Function<String, String> environment;
    private final Set<String> features;
    private String text;
    private int pos;
    private int depth;

    public ConditionEvaluator(Function<String, String> environment, Set<String> features) {
        this.environment = environment;
        this.features = features;
    }

    /** Evaluates the words of a condition (joined by single spaces). */
    public boolean evaluate(List<String> words) {
        return evaluate(String.join(" ", words));
    }

    public synchronized boolean evaluate(String condition) {
        text = condition;
        pos = 0;
        depth = 0;
        skipSpaces();
        if (pos == text.length()) {
            return false;
        }
        boolean result = expression();
        skipSpaces();
        if (pos != text.length()) {
            throw new ConfigProblem("unexpected '" + abbreviate(text.substring(pos)) + "' in condition '"
                    + abbreviated() + "'", "combine terms with '&&' or '||', e.g. 'defined(A) && feature(EPOLL)'");
        }
        return result;
    }

    private boolean expression() {
        boolean value = conjunction();
        while (consume("||")) {
            boolean right = conjunction();
            value = value || right;
        }
        return value;
    }

    private boolean conjunction() {
        boolean value = factor();
        while (consume("&&")) {
            boolean right = factor();
            value = value && right;
        }
        return value;
    }

    private boolean factor() {
        boolean negate = false;
        while (consume("!")) {
            negate = !negate;
        }
        return negate != primary();
    }

    private boolean primary() {
        skipSpaces();
        if (consume("(")) {
            if (++depth > MAX_DEPTH) {
                throw new ConfigProblem("condition '" + abbreviated() + "' nests parentheses more than " + MAX_DEPTH
                        + " levels deep", "simplify the condition");
            }
            boolean value = expression();
            if (!consume(")")) {
                throw new ConfigProblem("missing ')' in condition '" + abbreviated() + "'", "close every '(' with ')'");
            }
            depth--;
            return value;
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == '-')) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw new ConfigProblem("expected a term at position " + (pos + 1) + " in condition '" + abbreviated() + "'",
                    "use a predicate such as defined(NAME), or an integer");
        }
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '(') {
            return predicate(name, arguments());
        }
        try {
            return Long.parseLong(name) != 0;
        } catch (NumberFormatException e) {
            throw new ConfigProblem("unknown term '" + abbreviate(name) + "' in condition '" + abbreviated() + "'",
                    "use defined(), feature(), streq(), strneq(), version_atleast() or version_before()");
        }
    }

    private List<String> arguments() {
        pos++; // '('
        int close = text.indexOf(')', pos);
        if (close < 0) {
            throw new ConfigProblem("missing ')' in condition '" + abbreviated() + "'", "close every '(' with ')'");
        }
        List<String> args = new ArrayList<>();
        String inner = text.substring(pos, close);
        if (!inner.isBlank()) {
            for (String a : inner.split(",", -1)) {
                args.add(a);
            }
        }
        pos = close + 1;
        return args;
    }

    private boolean predicate(String name, List<String> args) {
        return switch (name) {
            case "defined" -> environment.apply(arg(name, args, 1, 0)) != null;
            case "feature" -> features.contains(arg(name, args, 1, 0));
            case "streq" -> arg(name, args, 2, 0).equals(args.get(1));
            case "strneq" -> !arg(name, args, 2, 0).equals(args.get(1));
            case "version_atleast" -> compareVersions(LANGUAGE_VERSION, arg(name, args, 1, 0)) >= 0;
            case "version_before" -> compareVersions(LANGUAGE_VERSION, arg(name, args, 1, 0)) < 0;
            default -> throw new ConfigProblem("unknown predicate '" + abbreviate(name) + "()' in condition '"
                    + abbreviated() + "'",
                    "use defined(), feature(), streq(), strneq(), version_atleast() or version_before()");
        };
    }

    private String arg(String predicate, List<String> args, int count, int index) {
        if (args.size() != count) {
            throw new ConfigProblem("'" + predicate + "()' takes " + count + " argument" + (count > 1 ? "s" : "")
                    + ", got " + args.size(), predicate.startsWith("str") ? predicate + "(a,b)" : predicate + "(NAME)");
        }
        return args.get(index);
    }

    /**
     * Compares dotted versions numerically ("2.10" is after "2.6"). The first part that does not
     * start with a digit ends the comparison, so "2.6-dev1" compares as "2.6" and a version with
     * no number at all is equal to every other, as in HAProxy.
     */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? number(x[i]) : 0;
            long q = i < y.length ? number(y[i]) : 0;
            if (p < 0 || q < 0) {
                return 0;
            }
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    /** The number a version part starts with (at most 18 digits), or -1 when it starts with none. */
    private static long number(String s) {
        int end = 0;
        while (end < s.length() && end < 18 && Character.isDigit(s.charAt(end)) && s.charAt(end) < 128) {
            end++;
        }
        return end == 0 ? -1 : Long.parseLong(s.substring(0, end));
    }

    /** The condition, shortened for messages: a fuzzed or generated line may be very long. */
    private String abbreviated() {
        return abbreviate(text);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private boolean consume(String token) {
        skipSpaces();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
