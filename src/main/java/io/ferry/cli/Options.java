package io.ferry.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command line, parsed by {@link OptionParser}.
 *
 * @param command what to do
 * @param configs the {@code -f} paths (and those after {@code --}), in order
 * @param condition the {@code -cc} expression, empty unless {@code command} is {@link Command#CONDITION}
 * @param debug {@code -d}: foreground, debug logging
 * @param foreground {@code -d} or {@code -db}: stay in the foreground despite {@code -D} or {@code global daemon}
 * @param diagnostics {@code -dD}: also print {@code .diag} messages
 * @param zeroWarning {@code -dW}: a warning is fatal
 * @param daemon {@code -D}
 * @param pidfile {@code -p}
 * @param localPeer {@code -L}, empty when not given
 * @param quiet {@code -q} (and not undone by a later {@code -V})
 * @param explain {@code -c --explain}: also print each frontend's timeline of timeouts
 * @param json {@code -c --format json}: print the check's result as JSON on standard output
 * @param demo {@code ferry demo}'s own options, {@link Demo#NONE} for other commands
 */
record Options(Command command, List<Path> configs, String condition, boolean debug, boolean foreground,
               boolean diagnostics, boolean zeroWarning, boolean daemon, Optional<Path> pidfile,
               Optional<String> localPeer, boolean quiet, boolean explain, boolean json, Demo demo) {

    /**
     * {@code ferry demo [--port N] [--print-config]}.
     *
     * @param port {@code --port N}, empty when not given
     * @param printConfig {@code --print-config}: print the configuration the demo runs on standard output
     */
    record Demo(Optional<Integer> port, boolean printConfig) {

        static final Demo NONE = new Demo(Optional.empty(), false);
    }

    enum Command {
        /** Load the configuration and serve it (no {@code -c}). */
        RUN,
        /** {@code -c}. */
        CHECK,
        /** {@code -cc EXPR}. */
        CONDITION,
        /** {@code -v}. */
        VERSION,
        /** {@code -vv}. */
        BUILD_INFO,
        /** {@code -h}. */
        HELP,
        /** {@code ferry demo}. */
        DEMO
    }
}
