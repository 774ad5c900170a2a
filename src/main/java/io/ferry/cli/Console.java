package io.ferry.cli;

import io.ferry.config.Diagnostic;
import io.ferry.config.Diagnostic.Severity;
import io.ferry.config.advisor.Finding;
import java.io.PrintStream;

/**
 * Prints messages on standard error the way HAProxy does: {@code [ALERT]    (1234) : config : ...}.
 *
 * <p>Like HAProxy, the first alert or warning of a run is preceded by two notices naming the
 * version and the executable, so a log read later says which build spoke. Quiet mode ({@code -q})
 * drops warnings and notices but never alerts: a failure is always explained.
 */
final class Console {

    private final PrintStream out;
    private final PrintStream err;
    private final long pid;
    private final boolean quiet;
    private final boolean diagnostics;
    private boolean introduced;

    Console(PrintStream out, PrintStream err, long pid, boolean quiet, boolean diagnostics) {
        this.out = out;
        this.err = err;
        this.pid = pid;
        this.quiet = quiet;
        this.diagnostics = diagnostics;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    boolean quiet() {
        return quiet;
    }

    /** Prints a configuration message if this run shows its severity. */
    void diagnostic(Diagnostic d) {
        boolean shown = switch (d.severity()) {
            case ALERT -> true;
            case WARNING, NOTICE -> !quiet;
            case DIAG -> diagnostics && !quiet;
        };
        if (shown) {
            print(d.severity(), "config : " + d.describe());
        }
    }

    /** Prints a finding of the advisor, like a warning or a notice ({@code -q} drops it). */
    void finding(Finding f) {
        if (!quiet) {
            print(f.severity() == Finding.Severity.WARNING ? Severity.WARNING : Severity.NOTICE,
                    "advice : " + f.describe());
        }
    }

    void alert(String message) {
        print(Severity.ALERT, message);
    }

    void warning(String message) {
        if (!quiet) {
            print(Severity.WARNING, message);
        }
    }

    void notice(String message) {
        if (!quiet) {
            print(Severity.NOTICE, message);
        }
    }

    private void print(Severity severity, String message) {
        if (!introduced && (severity == Severity.ALERT || severity == Severity.WARNING)) {
            introduced = true;
            if (!quiet) {
                line(Severity.NOTICE, "ferry version is " + Version.number());
                line(Severity.NOTICE, "path to executable is " + Version.executable());
            }
        }
        line(severity, message);
    }

    private void line(Severity severity, String message) {
        err.println(String.format("%-10s (%d) : %s", "[" + severity + "]", pid, message));
        err.flush();
    }
}
