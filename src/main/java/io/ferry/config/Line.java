package io.ferry.config;

import java.util.List;

/**
 * One configuration line being applied by a {@link Keyword.Parser}: its words, where it is, and the
 * section it belongs to. Argument indexes count from the first word after the keyword's name.
 * Methods throw {@link ConfigProblem}, which the parser reports with this line's location.
 */
public final class Line {

    private final List<String> words;
    private final int first;
    private final Keyword keyword;
    private final Location location;
    private final boolean negated;
    private final ConfigParser parser;

    Line(List<String> words, int first, Keyword keyword, Location location, boolean negated, ConfigParser parser) {
        this.words = words;
        this.first = first;
        this.keyword = keyword;
        this.location = location;
        this.negated = negated;
        this.parser = parser;
    }

    public String keyword() {
        return keyword.name();
    }

    public Location location() {
        return location;
    }

    /** Whether the line started with {@code no}. */
    public boolean negated() {
        return negated;
    }

    public int argCount() {
        return words.size() - first;
    }

    public String arg(int i) {
        if (i >= argCount()) {
            throw new ConfigProblem("missing argument", "write it as: " + keyword.syntax());
        }
        return words.get(first + i);
    }

    /** Arguments from index {@code from} to the end. */
    public List<String> args(int from) {
        return from >= argCount() ? List.of() : words.subList(first + from, words.size());
    }

    /** Requires between {@code min} and {@code max} arguments. */
    public void expectArgs(int min, int max) {
        int n = argCount();
        if (n < min) {
            throw new ConfigProblem(min == 1 ? "missing argument" : "expects at least " + min + " arguments, got " + n,
                    "write it as: " + keyword.syntax());
        }
        if (n > max) {
            String extra = arg(max);
            throw new ConfigProblem("unexpected extra argument '" + extra + "'"
                    + (max > 0 ? " after '" + arg(max - 1) + "'" : ""), "write it as: " + keyword.syntax());
        }
    }

    public long time(int i) {
        return Values.time(arg(i), keyword.name());
    }

    public long size(int i) {
        return Values.size(arg(i), keyword.name());
    }

    public int integer(int i, int min, int max) {
        return (int) Values.integer(arg(i), keyword.name(), min, max);
    }

    public SectionKind section() {
        return parser.currentSection();
    }

    /** The proxy section being parsed; only for keywords of proxy sections. */
    public ProxyBuilder proxy() {
        return parser.currentProxy();
    }

    /** Resolves the host names of addresses on this line. */
    public HostResolver resolver() {
        return parser.resolver();
    }

    GlobalBuilder global() {
        return parser.global();
    }

    ConfigParser parser() {
        return parser;
    }

    /** The keyword's syntax, for messages. */
    public String syntax() {
        return keyword.syntax();
    }

    /** The index of the first {@code if} or {@code unless} from argument {@code from} on; {@link #argCount()} when none. */
    public int conditionStart(int from) {
        for (int i = from; i < argCount(); i++) {
            String w = arg(i);
            if (w.equals("if") || w.equals("unless")) {
                return i;
            }
        }
        return argCount();
    }

    /**
     * The condition starting at argument {@code i}, which must be {@code if} or {@code unless};
     * null when there are no arguments from {@code i} on.
     */
    public Acl.Condition condition(int i) {
        if (i >= argCount()) {
            return null;
        }
        String w = arg(i);
        if (!w.equals("if") && !w.equals("unless")) {
            throw new ConfigProblem("unexpected '" + w + "'; expected 'if' or 'unless'", "write it as: " + keyword.syntax());
        }
        return AclParser.condition(w.equals("unless"), args(i + 1), proxy().acls, location);
    }

    public void warn(String message, String fix) {
        parser.report(Diagnostic.warning(location, keyword.name(), message, fix));
    }

    public <T> Located<T> located(T value) {
        return new Located<>(value, location);
    }
}
