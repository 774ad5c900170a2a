package io.ferry.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns configuration lines into a {@link Config}: conditional blocks, section headers, and each
 * keyword line handed to its {@link Keyword.Parser}. Errors are collected, never thrown, so one run
 * reports them all; a line in error is skipped and parsing goes on.
 */
final class ConfigParser {

    private static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen");

    private final KeywordRegistry registry;
    private final Tokenizer tokenizer;
    private final ConditionEvaluator conditions;
    private final List<Diagnostic> diagnostics;

    private final GlobalBuilder global = new GlobalBuilder();
    private final List<ProxyBuilder> proxies = new ArrayList<>();
    private final Map<String, ProxyBuilder> namedDefaults = new LinkedHashMap<>();
    private final List<ProxyBuilder> allDefaults = new ArrayList<>();
    private ProxyBuilder currentDefaults;
    private int anonymousDefaults;
    private final List<String> files = new ArrayList<>();

    private SectionKind section;
    private ProxyBuilder proxy;
    /** The keyword of the line being parsed, once it is known, for error messages. */
    private String lineKeyword;
    /** True after a section header that was refused: its lines are skipped without more errors. */
    private boolean skipping;

    ConfigParser(KeywordRegistry registry, Tokenizer tokenizer, ConditionEvaluator conditions,
                 List<Diagnostic> diagnostics) {
        this.registry = registry;
        this.tokenizer = tokenizer;
        this.conditions = conditions;
        this.diagnostics = diagnostics;
    }

    /** State of one {@code .if} block. */
    private static final class Block {
        final boolean parentActive;
        boolean taken;
        boolean active;
        boolean seenElse;
        final Location location;

        Block(boolean parentActive, Location location) {
            this.parentActive = parentActive;
            this.location = location;
        }
    }

    void parseFile(String file, List<String> lines) {
        files.add(file);
        section = null;
        proxy = null;
        skipping = false;
        Deque<Block> blocks = new ArrayDeque<>();
        for (int i = 0; i < lines.size(); i++) {
            Location loc = new Location(file, i + 1);
            List<String> words;
            try {
                words = tokenizer.split(lines.get(i));
            } catch (ConfigProblem p) {
                // Like HAProxy, every line is split into words, also in blocks that are not selected.
                report(Diagnostic.alert(loc, "", p.getMessage(), p.fix()));
                continue;
            }
            if (words.isEmpty()) {
                continue;
            }
            String first = words.get(0);
            boolean active = blocks.isEmpty() || blocks.peek().active;
            lineKeyword = null;
            try {
                if (first.startsWith(".")) {
                    if (directive(words, loc, blocks, active)) {
                        continue;
                    }
                }
                if (!active) {
                    continue;
                }
                line(words, loc);
            } catch (ConfigProblem p) {
                report(Diagnostic.alert(loc, keywordOf(words), p.getMessage(), p.fix()));
            }
        }
        for (Block b : blocks) {
            report(Diagnostic.alert(b.location, ".if", "missing '.endif' for this '.if' at the end of the file",
                    "close the block with '.endif' in the same file"));
        }
    }

    /** Handles a line starting with '.'; returns true when it was a directive. */
    private boolean directive(List<String> words, Location loc, Deque<Block> blocks, boolean active) {
        String d = words.get(0);
        List<String> rest = words.subList(1, words.size());
        switch (d) {
            case ".if" -> {
                Block b = new Block(active, loc);
                blocks.push(b);
                if (active) {
                    b.active = conditions.evaluate(rest);
                    b.taken = b.active;
                }
                return true;
            }
            case ".elif" -> {
                Block b = requireBlock(blocks, d);
                if (b.seenElse) {
                    throw new ConfigProblem("'.elif' after '.else'", "put every '.elif' before the '.else'");
                }
                b.active = false;
                if (b.parentActive && !b.taken) {
                    b.active = conditions.evaluate(rest);
                    b.taken = b.active;
                }
                return true;
            }
            case ".else" -> {
                Block b = requireBlock(blocks, d);
                noArguments(d, rest);
                if (b.seenElse) {
                    throw new ConfigProblem("a second '.else' in the same block", "remove one of them");
                }
                b.seenElse = true;
                b.active = b.parentActive && !b.taken;
                b.taken = true;
                return true;
            }
            case ".endif" -> {
                requireBlock(blocks, d);
                blocks.pop();
                noArguments(d, rest);
                return true;
            }
            case ".notice", ".warning", ".alert", ".diag" -> {
                if (active) {
                    String msg = String.join(" ", rest);
                    Diagnostic.Severity s = switch (d) {
                        case ".notice" -> Diagnostic.Severity.NOTICE;
                        case ".warning" -> Diagnostic.Severity.WARNING;
                        case ".alert" -> Diagnostic.Severity.ALERT;
                        default -> Diagnostic.Severity.DIAG;
                    };
                    report(new Diagnostic(s, loc, "", msg, ""));
                }
                return true;
            }
            default -> {
                if (!active) {
                    return true;
                }
                throw new ConfigProblem("unknown directive '" + d + "'",
                        "use .if, .elif, .else, .endif, .notice, .warning, .alert or .diag");
            }
        }
    }

    private static void noArguments(String directive, List<String> rest) {
        if (!rest.isEmpty()) {
            throw new ConfigProblem("unexpected argument '" + rest.get(0) + "' for '" + directive + "'",
                    "write '" + directive + "' alone on its line; a condition belongs after '.if' or '.elif'");
        }
    }

    private static Block requireBlock(Deque<Block> blocks, String d) {
        if (blocks.isEmpty()) {
            throw new ConfigProblem("'" + d + "' without a matching '.if'", "open the block with '.if CONDITION'");
        }
        return blocks.peek();
    }

    private void line(List<String> words, Location loc) {
        String first = words.get(0);
        if (SECTIONS.contains(first)) {
            openSection(words, loc);
            return;
        }
        String unsupportedSection = registry.unsupportedSection(first);
        if (unsupportedSection != null) {
            section = null;
            proxy = null;
            skipping = true;
            throw new ConfigProblem("section '" + first + "' is not supported by Ferry: " + unsupportedSection,
                    "remove the section and every line that refers to it");
        }
        if (skipping) {
            return;
        }
        boolean negated = first.equals("no") && words.size() > 1;
        lineKeyword = negated ? "no " + words.get(1) : first;
        if (section == null) {
            throw new ConfigProblem("'" + first + "' appears outside of any section",
                    "start a section before it, e.g. 'global', 'defaults', 'frontend NAME' or 'backend NAME'");
        }
        int from = negated ? 1 : 0;
        Keyword k = registry.find(words, from, section);
        lineKeyword = (negated ? "no " : "") + k.name();
        if (negated && !k.negatable()) {
            throw new ConfigProblem("'" + k.name() + "' cannot be negated with 'no'", "remove 'no'");
        }
        k.parser().parse(new Line(words, from + k.wordCount(), k, loc, negated, this));
    }

    private void openSection(List<String> words, Location loc) {
        String kw = words.get(0);
        SectionKind kind = SectionKind.valueOf(kw.toUpperCase(java.util.Locale.ROOT));
        section = kind;
        proxy = null;
        if (kind == SectionKind.GLOBAL) {
            skipping = false;
            if (words.size() > 1) {
                throw new ConfigProblem("'global' takes no argument (got '" + words.get(1) + "')", "write 'global' alone");
            }
            return;
        }
        // Until the header is known to be good, the section's lines are skipped: a header in error
        // leaves no proxy for them to apply to.
        skipping = true;
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        String from = null;
        int fromAt = args.indexOf("from");
        if (fromAt >= 0) {
            if (fromAt != args.size() - 2) {
                throw new ConfigProblem("'from' must be followed by exactly one defaults section name",
                        "write '" + kw + " NAME from DEFAULTS'");
            }
            from = args.get(fromAt + 1);
            args = args.subList(0, fromAt);
        }
        String name;
        String listenAddress = null;
        if (kind == SectionKind.DEFAULTS) {
            name = args.isEmpty() ? "" : args.get(0);
            if (args.size() > 1) {
                throw new ConfigProblem("unexpected '" + args.get(1) + "' after the defaults name",
                        "write 'defaults [NAME] [from DEFAULTS]'");
            }
        } else {
            if (args.isEmpty()) {
                throw new ConfigProblem("'" + kw + "' needs a name", "write '" + kw + " NAME'");
            }
            name = args.get(0);
            if (kind == SectionKind.LISTEN && args.size() == 2) {
                listenAddress = args.get(1);
            } else if (args.size() > 1) {
                throw new ConfigProblem("unexpected '" + args.get(1) + "' after the " + kw + " name",
                        "write '" + kw + " NAME [from DEFAULTS]'");
            }
        }
        if (!name.isEmpty()) {
            checkName(kw, name);
        }
        // As in HAProxy, a defaults section starts from the built-in values unless it names one with 'from'.
        ProxyBuilder base = kind == SectionKind.DEFAULTS ? null : currentDefaults;
        if (from != null) {
            base = namedDefaults.get(from);
            if (base == null) {
                String guess = Suggestions.closest(from, namedDefaults.keySet());
                throw new ConfigProblem("no defaults section named '" + from + "' before this line",
                        guess != null ? "did you mean 'from " + guess + "'?"
                                : "declare 'defaults " + from + "' above this section");
            }
        }
        ProxyBuilder b = new ProxyBuilder(name.isEmpty() ? "" : name, kind, loc);
        if (base != null) {
            b.inherit(base);
        }
        if (kind == SectionKind.DEFAULTS) {
            if (!name.isEmpty()) {
                ProxyBuilder prev = namedDefaults.put(name, b);
                if (prev != null) {
                    report(Diagnostic.warning(loc, "defaults", "defaults section '" + name
                            + "' redefines the one at " + prev.location
                            + "; proxies after this line inherit from the new one", "give each defaults section its own name"));
                }
            } else {
                anonymousDefaults++;
            }
            allDefaults.add(b);
            currentDefaults = b;
        } else {
            checkUnique(b);
            proxies.add(b);
        }
        proxy = b;
        skipping = false;
        if (listenAddress != null) {
            Keyword bind = registry.find(List.of("bind", listenAddress), 0, SectionKind.LISTEN);
            bind.parser().parse(new Line(List.of("bind", listenAddress), 1, bind, loc, false, this));
        }
    }

    private static void checkName(String kw, String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == ':')) {
                throw new ConfigProblem("character '" + c + "' is not permitted in " + kw + " name '" + name + "'",
                        "use letters, digits, '-', '_', '.' and ':' only");
            }
        }
    }

    private void checkUnique(ProxyBuilder b) {
        for (ProxyBuilder p : proxies) {
            if (!p.name.equals(b.name)) {
                continue;
            }
            boolean clash = (p.kind.isFrontend() && b.kind.isFrontend()) || (p.kind.isBackend() && b.kind.isBackend());
            if (clash) {
                throw new ConfigProblem(b.kind.keyword() + " '" + b.name + "' has the same name as the "
                        + p.kind.keyword() + " declared at " + p.location,
                        "rename one of them: frontends and backends need unique names among their kind");
            }
        }
    }

    Config finish() {
        Map<String, ProxyBuilder> backends = new LinkedHashMap<>();
        for (ProxyBuilder p : proxies) {
            if (p.kind.isBackend()) {
                backends.put(p.name, p);
            }
        }
        for (ProxyBuilder p : proxies) {
            if (p.kind.isFrontend()) {
                if (p.defaultBackend != null) {
                    checkBackendRef(p, p.defaultBackend.value(), p.defaultBackend.location(), "default_backend", backends);
                }
                for (Proxy.UseBackend u : p.useBackends) {
                    checkBackendRef(p, u.backend(), u.location(), "use_backend", backends);
                }
            }
        }
        for (ProxyBuilder p : proxies) {
            ProxyChecks.check(p, global, this);
        }
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
            return null;
        }
        List<Proxy> built = new ArrayList<>();
        proxies.forEach(p -> built.add(p.build()));
        Map<String, Proxy> defaults = new LinkedHashMap<>();
        int anon = 0;
        for (ProxyBuilder d : allDefaults) {
            defaults.put(d.name.isEmpty() ? "#" + (++anon) : d.name, d.build());
        }
        return new Config(global.build(), List.copyOf(built), java.util.Collections.unmodifiableMap(defaults),
                List.copyOf(files));
    }

    private void checkBackendRef(ProxyBuilder fe, String name, Location loc, String keyword,
                                 Map<String, ProxyBuilder> backends) {
        ProxyBuilder be = backends.get(name);
        if (be == null) {
            String guess = Suggestions.closest(name, backends.keySet());
            report(Diagnostic.alert(loc, keyword, fe.kind.keyword() + " '" + fe.name
                    + "' refers to backend '" + name + "', which does not exist",
                    guess != null ? "did you mean '" + guess + "'?" : "declare 'backend " + name + "' or fix the name"));
            return;
        }
        if (fe.mode.value() == Mode.HTTP && be.mode.value() == Mode.TCP) {
            report(Diagnostic.alert(loc, keyword, "frontend '" + fe.name + "' is in HTTP mode but backend '" + name
                    + "' is in TCP mode", "set 'mode http' in backend '" + name + "' or 'mode tcp' in the frontend"));
        }
    }

    void report(Diagnostic d) {
        diagnostics.add(d);
    }

    SectionKind currentSection() {
        return section;
    }

    ProxyBuilder currentProxy() {
        if (proxy == null) {
            throw new IllegalStateException("not in a proxy section");
        }
        return proxy;
    }

    GlobalBuilder global() {
        return global;
    }

    /** The keyword an error on this line is about: the matched keyword, else the line's first word. */
    private String keywordOf(List<String> words) {
        return lineKeyword != null ? lineKeyword : words.get(0);
    }
}
