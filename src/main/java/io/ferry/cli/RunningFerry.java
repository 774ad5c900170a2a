package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.LoadResult;
import io.ferry.proxy.Ferry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Ferry a {@code ferry -f cfg} process serves, across reloads: SIGHUP and SIGUSR2 re-read the
 * configuration and, when it is valid and can be served, put a new generation in place of the
 * current one ({@link Ferry#reload}); otherwise the current one keeps serving and the reason is
 * logged, with {@code file:line} for configuration errors.
 */
final class RunningFerry {

    private final Supplier<LoadResult> source;
    private final Options options;
    private final Console console;
    private Ferry current;
    private boolean stopped;

    /**
     * @param source reads the configuration again; null when it does not come from files (reloads
     *               are then refused)
     */
    RunningFerry(Ferry first, Supplier<LoadResult> source, Options options, Console console) {
        this.current = first;
        this.source = source;
        this.options = options;
        this.console = console;
    }

    /** Re-reads and checks the configuration, and serves it if it may be served. */
    synchronized void reload() {
        if (stopped) {
            return;
        }
        if (source == null) {
            console.warning("Reload ignored: the configuration does not come from files (-f).");
            return;
        }
        console.notice("Reloading " + options.configs().stream().map(Object::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + ".");
        LoadResult result;
        try {
            result = source.get();
        } catch (RuntimeException e) {
            console.alert("Reload failed: " + e.getMessage() + "; still serving the previous configuration.");
            return;
        }
        Optional<Config> config = ConfigLoading.report(result, options, console);
        if (config.isEmpty()) {
            console.alert("Reload failed: the configuration is not valid; still serving the previous configuration.");
            return;
        }
        if (!ConfigLoading.hasListener(config.get())) {
            console.alert("Reload failed: no enabled listener found (check for 'bind' directives); still serving "
                    + "the previous configuration.");
            return;
        }
        try {
            current = current.reload(config.get());
        } catch (RuntimeException e) {
            console.alert("Reload failed: " + (e.getMessage() == null ? e : e.getMessage())
                    + "; still serving the previous configuration.");
            return;
        }
        console.notice("Reload success: new connections are served by the new configuration; the previous one "
                + "finishes its streams.");
    }

    /** SIGUSR1: every generation stops softly. */
    synchronized void softStop() {
        stopped = true;
        current.softStop();
    }

    /** SIGINT, SIGTERM: every generation stops now. */
    synchronized void stop() {
        stopped = true;
        current.close();
    }

    /** Why the current generation can no longer serve (an event loop stopped), if it cannot. */
    synchronized Optional<String> failure() {
        return current.failure();
    }

    /** Blocks until the last generation has stopped, or one of the event loops has. */
    void awaitClose() throws InterruptedException {
        while (true) {
            Ferry f;
            synchronized (this) {
                f = current;
            }
            f.awaitClose();
            synchronized (this) {
                if (f == current) {
                    return;
                }
            }
        }
    }
}
