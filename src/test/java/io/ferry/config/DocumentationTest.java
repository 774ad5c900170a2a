package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} and the keyword registry the same: one entry per accepted
 * keyword, each with the template's four fields, sections equal to where the parser accepts it,
 * and the refused list equal to the keywords Ferry refuses.
 *
 * <p>An entry is a heading {@code ### `NAME`} (or {@code ### `NAME` (server option)}, {@code (bind
 * option)}, {@code (ACL criterion)}, {@code (predefined ACL)}) followed by
 * <pre>
 * - Syntax: `...`
 * - Sections: d f l b
 * - Default: ...
 * - Difference from HAProxy: ... (or "none")
 *
 * A sentence or more of meaning.
 * </pre>
 */
class DocumentationTest {

    private static final Path DOC = Path.of("docs", "configuration.md");
    private static final String REFUSED_HEADING = "HAProxy keywords Ferry refuses";
    private static final List<String> FIELDS = List.of("Syntax", "Sections", "Default", "Difference from HAProxy");
    private static final Pattern REFUSED_LINE = Pattern.compile("- (`[^`]+`(?: \\([a-z ]+\\))?) — (.+)");

    private static final KeywordRegistry REGISTRY = KeywordRegistry.standard();

    /** One {@code ###} entry: its chapter ({@code ##} heading), fields and meaning. */
    private record Entry(String name, String chapter, int line, Map<String, String> fields, String meaning) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final List<String> DUPLICATES = new ArrayList<>();
    private static final Map<String, String> REFUSED = new TreeMap<>();
    private static final List<String> MALFORMED_REFUSED = new ArrayList<>();

    @BeforeAll
    static void parse() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        String chapter = "";
        Entry current = null;
        StringBuilder meaning = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ") || line.startsWith("### ")) {
                finish(current, meaning);
                current = null;
                meaning.setLength(0);
            }
            if (line.startsWith("## ")) {
                chapter = line.substring(3).strip();
            } else if (line.startsWith("### `")) {
                String name = line.substring(4).strip();
                current = new Entry(name, chapter, i + 1, new LinkedHashMap<>(), "");
                if (ENTRIES.containsKey(name)) {
                    DUPLICATES.add(name + " (line " + (i + 1) + ")");
                }
            } else if (current != null) {
                boolean field = false;
                for (String f : FIELDS) {
                    if (line.startsWith("- " + f + ":")) {
                        current.fields().put(f, line.substring(f.length() + 3).strip());
                        field = true;
                    }
                }
                if (!field && !line.isBlank()) {
                    meaning.append(line).append(' ');
                }
            } else if (chapter.equals(REFUSED_HEADING) && line.startsWith("- ")) {
                Matcher m = REFUSED_LINE.matcher(line);
                if (m.matches()) {
                    REFUSED.put(m.group(1), m.group(2).strip());
                } else {
                    MALFORMED_REFUSED.add("line " + (i + 1) + ": " + line);
                }
            }
        }
        finish(current, meaning);
    }

    private static void finish(Entry e, StringBuilder meaning) {
        if (e != null) {
            ENTRIES.put(e.name(), new Entry(e.name(), e.chapter(), e.line(), e.fields(), meaning.toString().strip()));
        }
    }

    @Test
    void documentedEntriesAreExactlyTheRegistrysNames() {
        Set<String> expected = REGISTRY.documentedNames();
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(ENTRIES.keySet());
        Set<String> extra = new TreeSet<>(ENTRIES.keySet());
        extra.removeAll(expected);

        List<String> differences = new ArrayList<>();
        missing.forEach(n -> differences.add("missing: " + n + " is accepted by the parser but has no '### " + n
                + "' entry"));
        extra.forEach(n -> differences.add("extra: " + n + " (line " + ENTRIES.get(n).line()
                + ") is documented but the parser does not accept it; remove it or register it"));
        DUPLICATES.forEach(n -> differences.add("duplicate: " + n + " is documented twice"));
        assertThat(differences).as("entries of " + DOC + " versus KeywordRegistry.documentedNames()").isEmpty();
    }

    @Test
    void everyEntryHasTheTemplate() {
        List<String> problems = new ArrayList<>();
        for (Entry e : ENTRIES.values()) {
            for (String f : FIELDS) {
                String value = e.fields().get(f);
                if (value == null || value.isEmpty()) {
                    problems.add(e.name() + " (line " + e.line() + "): missing '- " + f + ":'");
                }
            }
            if (e.meaning().isEmpty()) {
                problems.add(e.name() + " (line " + e.line() + "): no sentence saying what it means");
            }
            String syntax = e.fields().get("Syntax");
            if (syntax != null && !(syntax.startsWith("`") && syntax.endsWith("`") && syntax.length() > 2)) {
                problems.add(e.name() + " (line " + e.line() + "): the syntax must be written as `...`");
            }
        }
        assertThat(problems).as("entries of " + DOC + " that do not follow the template").isEmpty();
    }

    @Test
    void syntaxIsTheOneErrorsShow() {
        Map<String, Set<String>> syntaxes = new TreeMap<>();
        REGISTRY.keywords().forEach(k -> syntaxes.computeIfAbsent("`" + k.name() + "`", n -> new TreeSet<>())
                .add(k.syntax()));
        REGISTRY.serverOptions.values().forEach(o -> syntaxes.put("`" + o.name() + "` (server option)",
                Set.of(o.syntax())));
        REGISTRY.bindOptions.values().forEach(o -> syntaxes.put("`" + o.name() + "` (bind option)",
                Set.of(o.syntax())));
        List<String> problems = new ArrayList<>();
        for (Entry e : ENTRIES.values()) {
            String syntax = e.fields().getOrDefault("Syntax", "").replaceAll("^`|`$", "");
            Set<String> known = syntaxes.get(e.name());
            if (known != null && !known.contains(syntax)) {
                problems.add(e.name() + " (line " + e.line() + "): documented '" + syntax + "', the parser says "
                        + known);
            } else if (known == null && registrySections(e.name()) != null && !syntax.startsWith(bareName(e.name()))) {
                problems.add(e.name() + " (line " + e.line() + "): the syntax should start with the name");
            }
        }
        assertThat(problems).as("syntax in " + DOC + " that differs from the registry's").isEmpty();
    }

    @Test
    void sectionsAreWhereTheParserAcceptsEachKeyword() {
        List<String> problems = new ArrayList<>();
        for (Entry e : ENTRIES.values()) {
            Set<SectionKind> expected = registrySections(e.name());
            if (expected == null) {
                continue; // reported by documentedEntriesAreExactlyTheRegistrysNames
            }
            String letters = e.fields().getOrDefault("Sections", "");
            Set<SectionKind> documented;
            try {
                documented = letters.isBlank() ? Set.of() : ProxyOption.parseSections(letters.strip());
            } catch (IllegalArgumentException ex) {
                problems.add(e.name() + " (line " + e.line() + "): sections '" + letters
                        + "' must be letters among g d f l b, separated by single spaces");
                continue;
            }
            if (!documented.equals(expected)) {
                problems.add(e.name() + " (line " + e.line() + "): documented '" + letters + "', the parser accepts '"
                        + letters(expected) + "'");
            }
        }
        assertThat(problems).as("sections in " + DOC + " that differ from the registry's").isEmpty();
    }

    @Test
    void entriesAreInTheirChapter() {
        // Server and bind options may also sit with the keywords they belong to (e.g. 'check' under
        // Health checks); criteria and predefined ACLs have a chapter each; no entry belongs to the
        // language or the refused list.
        Map<String, String> chapters = Map.of("(ACL criterion)", "ACL criteria", "(predefined ACL)", "Predefined ACLs");
        List<String> problems = new ArrayList<>();
        for (Entry e : ENTRIES.values()) {
            String kind = e.name().contains(" (") ? e.name().substring(e.name().indexOf(" (") + 1) : "";
            String chapter = chapters.get(kind);
            if (chapter != null && !chapter.equals(e.chapter())) {
                problems.add(e.name() + " (line " + e.line() + ") belongs under '## " + chapter + "'");
            }
            if (chapter == null && (chapters.containsValue(e.chapter()) || e.chapter().equals("The language")
                    || e.chapter().equals(REFUSED_HEADING))) {
                problems.add(e.name() + " (line " + e.line() + ") belongs under a keyword chapter, not '## "
                        + e.chapter() + "'");
            }
        }
        assertThat(problems).as("entries of " + DOC + " under the wrong heading").isEmpty();
    }

    @Test
    void refusedListIsExactlyWhatTheRegistryRefuses() {
        Map<String, String> expected = REGISTRY.refusedNames();
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(REFUSED.keySet());
        Set<String> extra = new TreeSet<>(REFUSED.keySet());
        extra.removeAll(expected.keySet());
        List<String> reasons = new ArrayList<>();
        expected.forEach((name, why) -> {
            if (REFUSED.containsKey(name) && !REFUSED.get(name).equals(why)) {
                reasons.add("reason: " + name + ": documented '" + REFUSED.get(name) + "', the error says '" + why + "'");
            }
        });

        List<String> differences = new ArrayList<>();
        MALFORMED_REFUSED.forEach(l -> differences.add("malformed: " + l + " (write '- `NAME` — REASON')"));
        missing.forEach(n -> differences.add("missing: " + n + " is refused by the parser but not listed; add the line "
                + "'- " + n + " — " + expected.get(n) + "'"));
        extra.forEach(n -> differences.add("extra: " + n + " is listed but the parser does not refuse it"));
        differences.addAll(reasons);
        assertThat(differences).as("'## " + REFUSED_HEADING + "' in " + DOC + " versus KeywordRegistry.refusedNames()")
                .isEmpty();
    }

    @Test
    void theDocumentHasItsChapters() {
        assertThat(ENTRIES).hasSizeGreaterThan(100);
        assertThat(ENTRIES.values()).extracting(Entry::chapter).contains("Global section", "Proxy sections: core",
                "Server options", "Bind options", "ACL criteria", "Predefined ACLs");
        assertThat(REFUSED).isNotEmpty();
    }

    /** Where the parser accepts a documented name; null when the registry does not know it. */
    private static Set<SectionKind> registrySections(String name) {
        if (name.endsWith(" (server option)")) {
            return REGISTRY.serverOptionNames().contains(bareName(name))
                    ? union(sectionsOf("server"), sectionsOf("default-server")) : null;
        }
        if (name.endsWith(" (bind option)")) {
            return REGISTRY.bindOptionNames().contains(bareName(name)) ? sectionsOf("bind") : null;
        }
        if (name.endsWith(" (ACL criterion)")) {
            // Criteria and predefined ACLs are used by 'acl' lines and by conditions, which live where 'acl' does.
            return REGISTRY.fetchNames().contains(bareName(name)) ? sectionsOf("acl") : null;
        }
        if (name.endsWith(" (predefined ACL)")) {
            return REGISTRY.predefinedAclNames().contains(bareName(name)) ? sectionsOf("acl") : null;
        }
        Set<SectionKind> s = sectionsOf(bareName(name));
        return s.isEmpty() ? null : s;
    }

    private static Set<SectionKind> sectionsOf(String keyword) {
        Set<SectionKind> s = EnumSet.noneOf(SectionKind.class);
        REGISTRY.keywords().stream().filter(k -> k.name().equals(keyword)).forEach(k -> s.addAll(k.sections()));
        return s;
    }

    private static Set<SectionKind> union(Set<SectionKind> a, Set<SectionKind> b) {
        Set<SectionKind> s = EnumSet.noneOf(SectionKind.class);
        s.addAll(a);
        s.addAll(b);
        return s;
    }

    /** {@code `weight` (server option)} to {@code weight}. */
    private static String bareName(String documented) {
        int close = documented.indexOf('`', 1);
        return close < 0 ? documented : documented.substring(1, close);
    }

    private static String letters(Set<SectionKind> sections) {
        List<String> out = new ArrayList<>();
        for (SectionKind k : List.of(SectionKind.GLOBAL, SectionKind.DEFAULTS, SectionKind.FRONTEND,
                SectionKind.LISTEN, SectionKind.BACKEND)) {
            if (sections.contains(k)) {
                out.add(k.keyword().substring(0, 1));
            }
        }
        return String.join(" ", out);
    }
}
