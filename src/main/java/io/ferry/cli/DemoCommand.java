package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.LoadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ferry demo}: checks the built-in demonstration configuration ({@code demo.cfg}: one
 * frontend on {@code FERRY_DEMO_PORT}, default 8080, in front of a static site and a WebSocket
 * chat) and serves it like {@code ferry -f demo.cfg} would.
 */
final class DemoCommand {

    static final String RESOURCE = "demo.cfg";

    private DemoCommand() {
    }

    static int run(Options options, Map<String, String> env, Console console) {
        LoadResult result = ConfigLoading.loader(options, env).loadText(RESOURCE, text());
        Optional<Config> config = ConfigLoading.report(result, options, console);
        if (config.isEmpty()) {
            return ExitCodes.FAILURE;
        }
        console.notice("demo : the built-in configuration is valid; starting frontend 'demo' on "
                + config.get().frontends().get(0).binds().get(0).address());
        return RunCommand.serve(config.get(), options, List.of(), env, console,
                " The demo configuration checks, but this build cannot serve all of it yet; the demo's own"
                        + " site and chat servers come later.");
    }

    static String text() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks io/ferry/cli/" + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
