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

    /**
     * Set ({@code -Dferry.test.epoll=true}) to run the tests on epoll where io_uring would be chosen:
     * each configuration gets a last {@code global} section that says {@code noiouring}. CI runs
     * the tests of connections' ends and limits this way too.
     */
    public static final boolean ON_EPOLL = Boolean.getBoolean("ferry.test.epoll");

    public static Config parse(String text) {
        if (ON_EPOLL) {
            // at the end, so that the line numbers tests expect stay as they are
            text = text + (text.endsWith("\n") ? "" : "\n") + "global\n    noiouring\n";
        }
        LoadResult r = ConfigLoader.builder().build().loadText("test.cfg", text);
        return r.valid().orElseThrow(() -> new AssertionError("invalid test configuration: " + r.errors()));
    }
}
