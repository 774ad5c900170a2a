package io.ferry.config;

import java.util.List;
import java.util.Optional;

/**
 * What {@link ConfigLoader} produced: the configuration when it is valid, and every diagnostic in
 * the order found (errors, warnings, notices of {@code .notice}/{@code .warning}/{@code .diag}).
 */
public record LoadResult(Config config, List<Diagnostic> diagnostics) {

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** The configuration, present only when there is no error. */
    public Optional<Config> valid() {
        return hasErrors() ? Optional.empty() : Optional.ofNullable(config);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
