package io.ferry.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every keyword Ferry accepts, and the HAProxy keywords it knows but does not support (those are
 * errors that say so, never silently ignored). {@code docs/configuration.md} documents exactly
 * {@link #documentedNames()}; a test keeps the two equal.
 */
public final class KeywordRegistry {

    /** A word on a {@code server}/{@code default-server} or {@code bind} line. */
    public record LineOption<B>(String name, int argCount, String syntax, OptionParser<B> parser) {
    }

    /** Applies one option of a server or bind line to its builder. */
    @FunctionalInterface
    public interface OptionParser<B> {
        void apply(B builder, List<String> args, Line line);
    }

    private final Map<String, List<Keyword>> keywords = new LinkedHashMap<>();
    private final Map<String, String> unsupported = new LinkedHashMap<>();
    private final Map<String, String> unsupportedSections = new LinkedHashMap<>();
    final Map<String, LineOption<ServerOptionsBuilder>> serverOptions = new LinkedHashMap<>();
    final Map<String, String> unsupportedServerOptions = new LinkedHashMap<>();
    final Map<String, LineOption<BindBuilder>> bindOptions = new LinkedHashMap<>();
    final Map<String, String> unsupportedBindOptions = new LinkedHashMap<>();

    private static final KeywordRegistry STANDARD = create();

    /** The registry with all of Ferry's keywords. Immutable once built. */
    public static KeywordRegistry standard() {
        return STANDARD;
    }

    private static KeywordRegistry create() {
        KeywordRegistry r = new KeywordRegistry();
        GlobalKeywords.register(r);
        ProxyKeywords.register(r);
        ServerKeywords.register(r);
        OptionKeywords.register(r);
        HttpRuleKeywords.register(r);
        LogKeywords.register(r);
        StatsKeywords.register(r);
        HealthCheckKeywords.register(r);
        BalanceKeywords.register(r);
        ProcessKeywords.register(r);
        Unsupported.register(r);
        return r;
    }

    void add(String name, String sections, String syntax, Keyword.Parser parser) {
        add(new Keyword(name, ProxyOption.parseSections(sections), syntax, false, parser));
    }

    void add(Keyword k) {
        keywords.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(k);
    }

    void unsupported(String name, String reason) {
        unsupported.put(name, reason);
    }

    void unsupportedSection(String name, String reason) {
        unsupportedSections.put(name, reason);
    }

    /** Every accepted keyword, in registration order. */
    public List<Keyword> keywords() {
        List<Keyword> all = new ArrayList<>();
        keywords.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    public Set<String> serverOptionNames() {
        return Collections.unmodifiableSet(serverOptions.keySet());
    }

    public Set<String> bindOptionNames() {
        return Collections.unmodifiableSet(bindOptions.keySet());
    }

    /** The ACL criteria (sample fetches) accepted in {@code acl} lines and anonymous conditions. */
    public Set<String> fetchNames() {
        return Fetches.names();
    }

    public Set<String> predefinedAclNames() {
        return PredefinedAcls.names();
    }

    /**
     * The headings {@code docs/configuration.md} must have, one per accepted name:
     * {@code `timeout client`}, {@code `weight` (server option)}, {@code `maxconn` (bind option)},
     * {@code `hdr_beg` (ACL criterion)}, {@code `METH_GET` (predefined ACL)}.
     */
    public Set<String> documentedNames() {
        Set<String> names = new TreeSet<>();
        keywords.keySet().forEach(k -> names.add("`" + k + "`"));
        serverOptions.keySet().forEach(k -> names.add("`" + k + "` (server option)"));
        bindOptions.keySet().forEach(k -> names.add("`" + k + "` (bind option)"));
        fetchNames().forEach(k -> names.add("`" + k + "` (ACL criterion)"));
        predefinedAclNames().forEach(k -> names.add("`" + k + "` (predefined ACL)"));
        return names;
    }

    /**
     * The HAProxy keywords Ferry refuses, each with the reason its error gives, named as in the
     * refused list of {@code docs/configuration.md}: {@code `user`}, {@code `peers` (section)},
     * {@code `ssl` (server option)}, {@code `ssl` (bind option)}.
     */
    public Map<String, String> refusedNames() {
        Map<String, String> names = new TreeMap<>();
        unsupported.forEach((k, why) -> names.put("`" + k + "`", why));
        unsupportedSections.forEach((k, why) -> names.put("`" + k + "` (section)", why));
        unsupportedServerOptions.forEach((k, why) -> names.put("`" + k + "` (server option)", why));
        unsupportedBindOptions.forEach((k, why) -> names.put("`" + k + "` (bind option)", why));
        return Collections.unmodifiableMap(names);
    }

    /** The keyword a line's words start with, matching the longest name first (up to three words). */
    Keyword find(List<String> words, int from, SectionKind section) {
        for (int n = Math.min(3, words.size() - from); n >= 1; n--) {
            String name = String.join(" ", words.subList(from, from + n));
            List<Keyword> candidates = keywords.get(name);
            if (candidates != null) {
                for (Keyword k : candidates) {
                    if (k.sections().contains(section)) {
                        return k;
                    }
                }
                Keyword otherSide = otherSide(name, candidates, section);
                if (otherSide != null) {
                    return otherSide;
                }
                throw new ConfigProblem("'" + name + "' is not allowed in a '" + section.keyword() + "' section",
                        "move it to a " + sectionList(candidates) + " section");
            }
            // Actions such as 'set-var(txn.x)' carry an argument in parentheses; they are refused by their bare name.
            String reason = unsupported.get(name.replaceFirst("\\([^ ]*\\)$", ""));
            if (reason != null) {
                throw new ConfigProblem("'" + name + "' is an HAProxy keyword that Ferry does not support: " + reason,
                        "remove the line");
            }
        }
        throw unknown(words, from, section);
    }

    /**
     * A keyword of the other side of a proxy (a backend's in a frontend, or the reverse) is
     * ignored with a warning, as HAProxy does, so that configurations it accepts still load; but
     * servers in a frontend are an error there too. Returns null when the line is an error.
     */
    private static Keyword otherSide(String name, List<Keyword> candidates, SectionKind section) {
        boolean listenKeyword = candidates.stream().anyMatch(k -> k.sections().contains(SectionKind.LISTEN));
        if (!listenKeyword || (section != SectionKind.FRONTEND && section != SectionKind.BACKEND)
                || name.equals("server") || name.equals("default-server")) {
            return null;
        }
        String side = section == SectionKind.FRONTEND ? "backends" : "frontends";
        Keyword k = candidates.stream().filter(c -> c.sections().contains(SectionKind.LISTEN)).findFirst().orElseThrow();
        return new Keyword(name, Set.of(section), k.syntax(), k.negatable(), line -> {
            // Its arguments are still checked, as HAProxy does, but its values are kept nowhere.
            line.parser().parseDetached(k, line);
            line.warn("'" + name + "' is ignored: it applies to " + side + ", and " + section.keyword() + " '"
                    + line.proxy().name() + "' is not one", "move it to a " + sectionList(candidates)
                    + " section, or remove it");
        });
    }

    String unsupportedSection(String name) {
        return unsupportedSections.get(name);
    }

    private ConfigProblem unknown(List<String> words, int from, SectionKind section) {
        String first = words.get(from);
        List<String> family = new ArrayList<>();
        for (String k : keywords.keySet()) {
            if (k.startsWith(first + " ") && keywords.get(k).stream().anyMatch(kw -> kw.sections().contains(section))) {
                family.add(k.substring(first.length() + 1));
            }
        }
        String attempted = words.size() > from + 1 ? first + " " + words.get(from + 1) : first;
        if (!family.isEmpty() && words.size() > from + 1) {
            String got = words.get(from + 1);
            String guess = Suggestions.closest(got, family);
            return new ConfigProblem("unknown keyword '" + attempted + "'; '" + first + "' supports "
                    + quoteList(family) + " (got '" + got + "')",
                    guess == null ? "use one of the supported forms" : "did you mean '" + first + " " + guess + "'?");
        }
        if (!family.isEmpty()) {
            return new ConfigProblem("'" + first + "' needs a second word: one of " + quoteList(family),
                    "write e.g. '" + first + " " + family.get(0) + " ...'");
        }
        List<String> inSection = new ArrayList<>();
        for (String k : keywords.keySet()) {
            if (keywords.get(k).stream().anyMatch(kw -> kw.sections().contains(section))) {
                inSection.add(k.split(" ")[0]);
            }
        }
        String guess = Suggestions.closest(first, inSection);
        return new ConfigProblem("unknown keyword '" + first + "' in '" + section.keyword() + "' section",
                guess == null ? "see docs/configuration.md for the keywords of this section"
                        : "did you mean '" + guess + "'?");
    }

    private static String sectionList(List<Keyword> candidates) {
        Set<String> s = new TreeSet<>();
        candidates.forEach(k -> k.sections().forEach(x -> s.add(x.keyword())));
        return String.join(" or ", s);
    }

    private static String quoteList(List<String> items) {
        List<String> q = items.stream().map(s -> "'" + s + "'").toList();
        return String.join(", ", q);
    }
}
