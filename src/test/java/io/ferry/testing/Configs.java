package io.ferry.testing;

import io.ferry.config.Config;
import io.ferry.config.ConfigLoader;
import io.ferry.config.LoadResult;

/** Builds configurations from text for tests; a configuration with errors fails the test with them. */
public final class Configs {

    private Configs() {
    }

    /** A {@code defaults} section for HTTP tests, with every timeout bounded. */
    public static final String HTTP_DEFAULTS = """
            defaults
                mode http
                timeout client 10s
                timeout server 10s
                timeout connect 2s
            """;

    public static Config parse(String text) {
        LoadResult r = ConfigLoader.builder().build().loadText("test.cfg", text);
        return r.valid().orElseThrow(() -> new AssertionError("invalid test configuration: " + r.errors()));
    }
}
