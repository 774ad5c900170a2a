package io.ferry.config;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/** The parsed forms of {@code acl} lines and of the {@code if}/{@code unless} conditions that use them. */
public final class Acl {

    private Acl() {
    }

    /** How a fetched sample is compared with the patterns ({@code -m}). */
    public enum Match { STR, BEG, END, SUB, REG, DOM, DIR, LEN, FOUND, INT, IP, BOOL }

    /** What a fetch returns. */
    public enum Type { STRING, INTEGER, IP, BOOLEAN }

    /**
     * A sample fetch: {@code name(argument),converter,...}. {@code name} is canonical
     * ({@code hdr} for {@code hdr} and {@code req.hdr}); {@code argument} is empty when none.
     */
    public record Fetch(String name, String argument, Type type, List<String> converters) {
    }

    /** An IPv4 or IPv6 network for {@code src}/{@code dst} patterns. */
    public record Network(InetAddress address, int prefixLength) {
    }

    /** An inclusive integer range; a single number {@code n} is {@code n..n}. */
    public record IntRange(long min, long max) {
    }

    /**
     * One {@code acl} line (or one anonymous {@code { ... }} condition). Several lines with the same
     * name form one ACL that matches when any of them does. Patterns are kept as written and in the
     * compiled form their match method needs.
     */
    public record Definition(String name, Fetch fetch, Match match, boolean ignoreCase, List<String> patterns,
                             List<Pattern> regexes, List<Network> networks, List<IntRange> ranges,
                             Location location) {
    }

    /** A possibly negated reference to a named, predefined or anonymous ACL. */
    public record Term(boolean negated, String name, List<Definition> definitions) {
    }

    /**
     * An {@code if} or {@code unless} condition: alternatives joined by {@code ||}, each a list of
     * terms that must all hold.
     */
    public record Condition(boolean unless, List<List<Term>> alternatives, Location location) {
    }
}
