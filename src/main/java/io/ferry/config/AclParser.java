package io.ferry.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses {@code acl NAME CRITERION [FLAGS] [--] VALUES...} and {@code if|unless} conditions.
 *
 * <p>Flags: {@code -i} (ignore case), {@code -m METHOD} (str, beg, end, sub, reg, dom, dir, len,
 * found, int, ip, bool), {@code -f FILE} (patterns from a file, one per line; blank lines and
 * {@code #} comments skipped), {@code -n} (no DNS resolution: Ferry never resolves patterns),
 * {@code --} (end of flags). Converters {@code ,lower} and {@code ,upper} may follow a criterion.
 */
final class AclParser {

    private AclParser() {
    }

    /** Parses the words after an ACL's name: the criterion, flags and values. */
    static Acl.Definition definition(String name, List<String> words, Location location) {
        if (words.isEmpty()) {
            throw new ConfigProblem("missing criterion for ACL '" + name + "'",
                    "write 'acl " + name + " CRITERION [FLAGS] VALUES', e.g. 'acl " + name + " path_beg /api'");
        }
        Acl.Fetch fetch;
        Fetches.Criterion criterion;
        String spec = words.get(0);
        String[] parts = spec.split(",", -1);
        String head = parts[0];
        String argument = "";
        int paren = head.indexOf('(');
        String fname = head;
        if (paren >= 0) {
            if (!head.endsWith(")")) {
                throw new ConfigProblem("missing ')' in criterion '" + spec + "'", "write it as e.g. 'hdr(host)'");
            }
            fname = head.substring(0, paren);
            argument = head.substring(paren + 1, head.length() - 1);
        }
        criterion = Fetches.find(fname);
        if (criterion == null) {
            String guess = Suggestions.closest(fname, Fetches.names());
            throw new ConfigProblem("unknown ACL criterion '" + fname + "'",
                    guess != null ? "did you mean '" + guess + "'?" : "see the ACL criteria in docs/configuration.md");
        }
        if (criterion.arg() == Fetches.Arg.REQUIRED && argument.isEmpty()) {
            throw new ConfigProblem("criterion '" + fname + "' needs an argument", "write it as '" + fname + "(NAME)'");
        }
        if (criterion.arg() == Fetches.Arg.NONE && paren >= 0) {
            throw new ConfigProblem("criterion '" + fname + "' takes no argument", "write it as '" + fname + "'");
        }
        List<String> converters = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].equals("lower") && !parts[i].equals("upper")) {
                throw new ConfigProblem("converter '" + parts[i] + "' is not supported by Ferry",
                        "use the -i flag to ignore case, or remove the converter");
            }
            if (criterion.type() != Acl.Type.STRING) {
                throw new ConfigProblem("converter '" + parts[i] + "' applies to text, not to '" + fname + "'",
                        "remove it");
            }
            converters.add(parts[i]);
        }
        fetch = new Acl.Fetch(criterion.fetch(), argument, criterion.type(), List.copyOf(converters));

        Acl.Match match = criterion.match();
        boolean ignoreCase = false;
        List<String> patterns = new ArrayList<>();
        int i = 1;
        while (i < words.size() && words.get(i).startsWith("-") && !looksLikeNegativeNumber(words.get(i), criterion)) {
            String flag = words.get(i);
            i++;
            switch (flag) {
                case "-i" -> ignoreCase = true;
                case "-n" -> {
                    // Ferry never resolves host names in patterns; -n asks for exactly that.
                }
                case "--" -> {
                    patterns.addAll(words.subList(i, words.size()));
                    i = words.size();
                }
                case "-m" -> {
                    if (i >= words.size()) {
                        throw new ConfigProblem("flag '-m' needs a match method", "write e.g. '-m beg'");
                    }
                    match = matchMethod(words.get(i++), criterion, fname);
                }
                case "-f" -> {
                    if (i >= words.size()) {
                        throw new ConfigProblem("flag '-f' needs a file name", "write e.g. '-f /etc/ferry/paths.lst'");
                    }
                    patterns.addAll(readPatternFile(words.get(i++)));
                }
                default -> throw new ConfigProblem("unknown ACL flag '" + flag + "'",
                        "use -i, -m METHOD, -f FILE, -n or --; write '-- " + flag + "' to match a value starting with '-'");
            }
        }
        if (i < words.size()) {
            patterns.addAll(words.subList(i, words.size()));
        }
        boolean needsPatterns = match != Acl.Match.FOUND && match != Acl.Match.BOOL;
        if (needsPatterns && patterns.isEmpty()) {
            throw new ConfigProblem("ACL '" + name + "' has no value to match",
                    "add one or more values after the criterion, or use '-m found'");
        }
        if (!needsPatterns && !patterns.isEmpty()) {
            throw new ConfigProblem("match method '" + match.name().toLowerCase(Locale.ROOT)
                    + "' takes no value (got '" + patterns.get(0) + "')", "remove the values");
        }
        List<Pattern> regexes = new ArrayList<>();
        List<Acl.Network> networks = new ArrayList<>();
        List<Acl.IntRange> ranges = new ArrayList<>();
        for (String p : patterns) {
            switch (match) {
                case REG -> regexes.add(regex(p, ignoreCase));
                case IP -> networks.add(network(p));
                case INT, LEN -> ranges.add(range(p));
                default -> {
                }
            }
        }
        return new Acl.Definition(name, fetch, match, ignoreCase, List.copyOf(patterns), List.copyOf(regexes),
                List.copyOf(networks), List.copyOf(ranges), location);
    }

    private static boolean looksLikeNegativeNumber(String w, Fetches.Criterion c) {
        return c.type() == Acl.Type.INTEGER && w.length() > 1 && Character.isDigit(w.charAt(1));
    }

    private static Acl.Match matchMethod(String word, Fetches.Criterion c, String fname) {
        Acl.Match m;
        try {
            m = Acl.Match.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem("unknown match method '" + word + "'",
                    "use one of str, beg, end, sub, reg, dom, dir, len, found, int, ip, bool");
        }
        boolean ok = switch (c.type()) {
            case STRING -> m != Acl.Match.INT && m != Acl.Match.IP && m != Acl.Match.BOOL;
            case INTEGER -> m == Acl.Match.INT || m == Acl.Match.FOUND;
            case IP -> m == Acl.Match.IP || m == Acl.Match.FOUND;
            case BOOLEAN -> m == Acl.Match.BOOL || m == Acl.Match.FOUND;
        };
        if (!ok) {
            throw new ConfigProblem("match method '" + word + "' cannot be used with '" + fname + "', which returns "
                    + c.type().name().toLowerCase(Locale.ROOT), "remove '-m " + word + "' or use another criterion");
        }
        return m;
    }

    private static List<String> readPatternFile(String file) {
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(Path.of(file), StandardCharsets.ISO_8859_1)) {
                String t = l.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
            return out;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new ConfigProblem("could not read pattern file '" + file + "'",
                    "check that the file exists and is readable (relative paths start from the working directory)");
        }
    }

    static Pattern regex(String p, boolean ignoreCase) {
        try {
            return Pattern.compile(p, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            throw new ConfigProblem("invalid regular expression '" + p + "': " + e.getDescription(),
                    "fix the expression (Java regular expression syntax, compatible with PCRE for common use)");
        }
    }

    static Acl.Network network(String p) {
        String addr = p;
        int slash = p.indexOf('/');
        int prefix = -1;
        if (slash >= 0) {
            addr = p.substring(0, slash);
            String bits = p.substring(slash + 1);
            if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
                throw new ConfigProblem("invalid network '" + p + "'", "write an address with an optional /prefix, e.g. 10.0.0.0/8");
            }
            prefix = Integer.parseInt(bits);
        }
        if (!isIpLiteral(addr)) {
            throw new ConfigProblem("'" + p + "' is not an IP address or network",
                    "write an address with an optional /prefix, e.g. 192.168.0.0/16 or ::1");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(addr);
        } catch (UnknownHostException e) {
            throw new ConfigProblem("'" + p + "' is not an IP address or network", "write e.g. 10.0.0.0/8");
        }
        int max = a.getAddress().length * 8;
        if (prefix < 0) {
            prefix = max;
        }
        if (prefix > max) {
            throw new ConfigProblem("prefix /" + prefix + " is too long for '" + addr + "'", "use at most /" + max);
        }
        return new Acl.Network(a, prefix);
    }

    private static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static final Map<String, String> OPERATORS = Map.of("eq", "", "ge", "", "gt", "", "le", "", "lt", "");

    /** Integer patterns: {@code N}, {@code MIN:MAX}, {@code MIN:}, {@code :MAX}. */
    static Acl.IntRange range(String p) {
        if (OPERATORS.containsKey(p)) {
            throw new ConfigProblem("comparison operators such as '" + p + "' are not supported by Ferry",
                    "write a range instead: 'N', 'MIN:MAX', 'MIN:' or ':MAX'");
        }
        try {
            int colon = p.indexOf(':');
            if (colon < 0) {
                long v = Long.parseLong(p);
                return new Acl.IntRange(v, v);
            }
            String lo = p.substring(0, colon);
            String hi = p.substring(colon + 1);
            long min = lo.isEmpty() ? Long.MIN_VALUE : Long.parseLong(lo);
            long max = hi.isEmpty() ? Long.MAX_VALUE : Long.parseLong(hi);
            if (min > max || (lo.isEmpty() && hi.isEmpty())) {
                throw new NumberFormatException();
            }
            return new Acl.IntRange(min, max);
        } catch (NumberFormatException e) {
            throw new ConfigProblem("'" + p + "' is not an integer or integer range",
                    "write 'N', 'MIN:MAX', 'MIN:' or ':MAX', e.g. 1024:65535");
        }
    }

    /**
     * Parses the words of a condition (after {@code if} or {@code unless}). Named ACLs must be
     * declared earlier in the same proxy, or be predefined.
     */
    static Acl.Condition condition(boolean unless, List<String> words, Map<String, List<Acl.Definition>> acls,
                                   Location location) {
        if (words.isEmpty()) {
            throw new ConfigProblem("missing condition after '" + (unless ? "unless" : "if") + "'",
                    "name an ACL, e.g. 'if is_api', or write an anonymous one, e.g. 'if { path_beg /api }'");
        }
        List<List<Acl.Term>> alternatives = new ArrayList<>();
        List<Acl.Term> current = new ArrayList<>();
        int i = 0;
        int anonymous = 0;
        while (i < words.size()) {
            String w = words.get(i);
            if (w.equals("||") || w.equalsIgnoreCase("or")) {
                if (current.isEmpty()) {
                    throw new ConfigProblem("'" + w + "' without a term before it", "write 'if a || b'");
                }
                alternatives.add(List.copyOf(current));
                current = new ArrayList<>();
                i++;
                continue;
            }
            boolean negated = false;
            while (w.startsWith("!")) {
                negated = !negated;
                w = w.substring(1);
                if (w.isEmpty()) {
                    i++;
                    if (i >= words.size()) {
                        throw new ConfigProblem("'!' at the end of the condition", "put an ACL name after '!'");
                    }
                    w = words.get(i);
                }
            }
            if (w.equals("{")) {
                int close = words.subList(i + 1, words.size()).indexOf("}");
                if (close < 0) {
                    throw new ConfigProblem("missing '}' in anonymous ACL", "close it with ' }' (with a space before)");
                }
                List<String> inner = words.subList(i + 1, i + 1 + close);
                String anonName = "anonymous-" + (++anonymous);
                current.add(new Acl.Term(negated, anonName, List.of(definition(anonName, inner, location))));
                i = i + close + 2;
                continue;
            }
            if (w.equals("}")) {
                throw new ConfigProblem("'}' without a matching '{'", "open an anonymous ACL with '{ '");
            }
            List<Acl.Definition> defs = acls.get(w);
            if (defs == null) {
                defs = PredefinedAcls.find(w);
            }
            if (defs == null) {
                List<String> known = new ArrayList<>(acls.keySet());
                known.addAll(PredefinedAcls.names());
                String guess = Suggestions.closest(w, known);
                throw new ConfigProblem("no ACL named '" + w + "' declared before this line",
                        guess != null ? "did you mean '" + guess + "'?"
                                : "declare it with 'acl " + w + " CRITERION VALUES' above this line");
            }
            current.add(new Acl.Term(negated, w, defs));
            i++;
        }
        if (current.isEmpty()) {
            throw new ConfigProblem("condition ends with '||'", "add a term after '||'");
        }
        alternatives.add(List.copyOf(current));
        return new Acl.Condition(unless, List.copyOf(alternatives), location);
    }
}
