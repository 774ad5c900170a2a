package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.LoadResult;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ferry -c}: load, report, exit. Exit codes are HAProxy's: 0 valid, 1 not valid, 2 valid
 * but without any listener (it would not start).
 */
final class CheckCommand {

    private CheckCommand() {
    }

    static int run(Options options, Map<String, String> env, Console console) {
        LoadResult result = ConfigLoading.loader(options, env).load(options.configs());
        Optional<Config> config = ConfigLoading.report(result, options, console);
        if (config.isEmpty()) {
            return ExitCodes.FAILURE;
        }
        if (!ConfigLoading.hasListener(config.get())) {
            console.out().println("Configuration file has no error but will not start (no listener) => exit(2).");
            return ExitCodes.NO_LISTENER;
        }
        if (!console.quiet()) {
            if (ConfigLoading.hasWarnings(result)) {
                console.out().println("Warnings were found.");
            }
            console.out().println("Configuration file is valid");
        }
        return ExitCodes.OK;
    }
}
