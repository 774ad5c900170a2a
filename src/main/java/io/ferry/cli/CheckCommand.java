package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.Diagnostic;
import io.ferry.config.LoadResult;
import io.ferry.config.advisor.Advisor;
import io.ferry.config.advisor.Explainer;
import io.ferry.config.advisor.Finding;
import io.ferry.config.advisor.MachineFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code ferry -c}: load, report, advise, exit. Exit codes are HAProxy's: 0 valid, 1 not valid,
 * 2 valid but without any listener (it would not start). The advisor's findings never change the
 * exit code. {@code --explain} adds each frontend's timeline of timeouts; {@code --format json}
 * prints the whole result as one JSON document on standard output instead of the text.
 */
final class CheckCommand {

    private CheckCommand() {
    }

    static int run(Options options, Map<String, String> env, Console console) {
        LoadResult result = ConfigLoading.loader(options, env).load(options.configs());
        Optional<Config> config = ConfigLoading.report(result, options, console);
        List<Finding> findings = config.map(c -> Advisor.advise(c, MachineFacts.current())).orElse(List.of());
        int exit = config.isEmpty() ? ExitCodes.FAILURE
                : ConfigLoading.hasListener(config.get()) ? ExitCodes.OK : ExitCodes.NO_LISTENER;
        if (options.json()) {
            console.out().println(json(result, exit, findings, config.filter(c -> options.explain())));
            return exit;
        }
        findings.forEach(console::finding);
        if (config.isPresent() && options.explain()) {
            console.out().print(Explainer.explain(config.get()));
        }
        if (exit == ExitCodes.NO_LISTENER) {
            console.out().println("Configuration file has no error but will not start (no listener) => exit(2).");
        } else if (exit == ExitCodes.OK && !console.quiet()) {
            if (ConfigLoading.hasWarnings(result)) {
                console.out().println("Warnings were found.");
            }
            console.out().println("Configuration file is valid");
        }
        return exit;
    }

    /** {@code {"valid":..,"exit":..,"diagnostics":[..],"findings":[..],"explain":".."}}. */
    private static String json(LoadResult result, int exit, List<Finding> findings, Optional<Config> explained) {
        return "{\n  \"valid\": " + (exit != ExitCodes.FAILURE) + ",\n  \"exit\": " + exit
                + ",\n  \"diagnostics\": " + array(result.diagnostics().stream().map(Diagnostic::toJson).toList())
                + ",\n  \"findings\": " + array(findings.stream().map(Finding::toJson).toList())
                + explained.map(c -> ",\n  \"explain\": " + io.ferry.config.Json.quote(Explainer.explain(c))).orElse("")
                + "\n}";
    }

    /** A JSON array of already rendered elements, one per line; {@code []} when empty. */
    private static String array(List<String> elements) {
        return elements.isEmpty() ? "[]" : elements.stream().collect(Collectors.joining(",\n    ", "[\n    ", "\n  ]"));
    }
}
