package io.ferry.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads configuration files the way {@code haproxy -f} does and turns them into a {@link Config}.
 *
 * <pre>{@code
 * LoadResult r = ConfigLoader.builder().environment(System.getenv()).build()
 *         .load(List.of(Path.of("haproxy.cfg")));
 * r.diagnostics().forEach(d -> System.err.println(d.format()));
 * Config config = r.valid().orElseThrow();
 * }</pre>
 *
 * <p>Each path is a file, or a directory whose non-hidden {@code *.cfg} files are read in C-locale
 * (byte) order. Every file starts on a section boundary. All problems are collected: a run reports
 * every error it can find, each with {@code file:line}.
 */
public final class ConfigLoader {

    private final Function<String, String> environment;
    private final Set<String> features;
    private final KeywordRegistry registry;
    private final HostResolver resolver;

    private ConfigLoader(Function<String, String> environment, Set<String> features, HostResolver resolver) {
        this.environment = environment;
        this.features = features;
        this.resolver = resolver;
        this.registry = KeywordRegistry.standard();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a loader. */
    public static final class Builder {
        private Function<String, String> environment = System::getenv;
        private Set<String> features = Set.of();
        private HostResolver resolver = HostResolver.SYSTEM;

        /** Where {@code "${VAR}"} and {@code defined(VAR)} look; the process environment by default. */
        public Builder environment(Map<String, String> env) {
            this.environment = env::get;
            return this;
        }

        /** The names {@code feature(NAME)} is true for. */
        public Builder features(Set<String> features) {
            this.features = Set.copyOf(features);
            return this;
        }

        /** How host names in bind and server addresses are resolved; the system resolver by default. */
        public Builder resolver(HostResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        public ConfigLoader build() {
            return new ConfigLoader(environment, features, resolver);
        }
    }

    /** The evaluator for {@code .if} conditions, also used by {@code ferry -cc}. */
    public ConditionEvaluator conditions() {
        return new ConditionEvaluator(environment, features);
    }

    public LoadResult load(List<Path> paths) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (paths.isEmpty()) {
            diagnostics.add(Diagnostic.alert(Location.NONE, "", "no configuration file given",
                    "name one with -f FILE or -f DIRECTORY"));
        }
        for (Path p : paths) {
            expand(p, files, diagnostics);
        }
        ConfigParser parser = new ConfigParser(registry, new Tokenizer(environment), conditions(), diagnostics, resolver);
        for (Path f : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                diagnostics.add(Diagnostic.alert(Location.NONE, "", "could not read configuration file '" + f
                        + "': " + describe(e), "check that the file exists and is readable"));
                continue;
            }
            parser.parseFile(f.toString(), lines);
        }
        Config config = diagnostics.stream().anyMatch(Diagnostic::isError) ? null : parser.finish();
        if (config == null && !diagnostics.stream().anyMatch(Diagnostic::isError)) {
            diagnostics.add(Diagnostic.alert(Location.NONE, "", "the configuration is not valid", ""));
        }
        return new LoadResult(config, List.copyOf(diagnostics));
    }

    /** Parses configuration text held in memory (embedded configurations, tests). */
    public LoadResult loadText(String name, String text) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        ConfigParser parser = new ConfigParser(registry, new Tokenizer(environment), conditions(), diagnostics, resolver);
        parser.parseFile(name, text.lines().toList());
        Config config = diagnostics.stream().anyMatch(Diagnostic::isError) ? null : parser.finish();
        return new LoadResult(config, List.copyOf(diagnostics));
    }

    private static void expand(Path p, List<Path> files, List<Diagnostic> diagnostics) {
        if (Files.isDirectory(p)) {
            List<Path> found;
            try (Stream<Path> s = Files.list(p)) {
                found = s.filter(f -> {
                    String n = f.getFileName().toString();
                    return !n.startsWith(".") && n.endsWith(".cfg") && !Files.isDirectory(f);
                }).sorted((a, b) -> compareBytes(a.getFileName().toString(), b.getFileName().toString())).toList();
            } catch (IOException e) {
                diagnostics.add(Diagnostic.alert(Location.NONE, "", "could not list configuration directory '" + p
                        + "': " + describe(e), "check that the directory is readable"));
                return;
            }
            if (found.isEmpty()) {
                diagnostics.add(Diagnostic.alert(Location.NONE, "", "configuration directory '" + p
                        + "' holds no *.cfg file", "put configuration files named *.cfg in it, or name a file"));
            }
            files.addAll(found);
        } else if (!Files.exists(p)) {
            diagnostics.add(Diagnostic.alert(Location.NONE, "", "configuration file '" + p + "' does not exist",
                    "check the path given to -f"));
        } else if (!Files.isReadable(p)) {
            diagnostics.add(Diagnostic.alert(Location.NONE, "", "configuration file '" + p + "' is not readable",
                    "check its permissions"));
        } else {
            files.add(p);
        }
    }

    /** C-locale order: compare the names byte by byte. */
    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
