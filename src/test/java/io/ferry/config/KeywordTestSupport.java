package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Loading snippets of configuration for the keyword family tests. */
abstract class KeywordTestSupport {

    /** A defaults section in HTTP mode with the three main timeouts, so snippets stay short. */
    static final String HTTP_DEFAULTS = """
            defaults
                mode http
                timeout client 5s
                timeout server 5s
                timeout connect 1s
            """;

    static LoadResult loadResult(String text) {
        return ConfigLoader.builder().environment(java.util.Map.of()).build().loadText("t.cfg", text);
    }

    /** Loads a configuration that must be valid. */
    static Config load(String text) {
        LoadResult r = loadResult(text);
        assertThat(r.errors()).as("errors").isEmpty();
        return r.valid().orElseThrow();
    }

    /** The errors of a configuration that must be invalid, as {@link Diagnostic#describe()} renders them. */
    static List<String> errors(String text) {
        LoadResult r = loadResult(text);
        assertThat(r.hasErrors()).as("has errors").isTrue();
        return r.errors().stream().map(Diagnostic::describe).toList();
    }

    /** The warnings of a configuration that must be valid. */
    static List<String> warnings(String text) {
        LoadResult r = loadResult(text);
        assertThat(r.errors()).as("errors").isEmpty();
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING)
                .map(Diagnostic::describe).toList();
    }

    static Proxy backend(Config c, String name) {
        return c.backend(name).orElseThrow();
    }

    static Proxy frontend(Config c, String name) {
        return c.frontend(name).orElseThrow();
    }
}
