package io.ferry.config;

/** The keywords of the {@code global} section. */
final class GlobalKeywords {

    private GlobalKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("maxconn", "g", "maxconn NUMBER", line -> {
            line.expectArgs(1, 1);
            line.global().maxconn = line.located(line.integer(0, 1, 10_000_000));
        });
        r.add("nbproc", "g", "nbproc NUMBER", line -> {
            line.expectArgs(1, 1);
            int n = line.integer(0, 1, 64);
            line.global().nbproc = line.located(n);
            line.warn("nbproc is obsolete (HAProxy 2.5 made it a fatal error); Ferry is one process and runs "
                    + n + " event-loop thread" + (n > 1 ? "s" : "") + " instead, unless nbthread says otherwise",
                    "replace it with 'nbthread " + n + "'");
        });
        r.add("nbthread", "g", "nbthread NUMBER", line -> {
            line.expectArgs(1, 1);
            line.global().nbthread = line.integer(0, 1, 256);
        });
    }
}
