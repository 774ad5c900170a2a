package io.ferry.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code ferry} command: HAProxy's command line ({@code -f}, {@code -c}, {@code -cc},
 * {@code -d}, {@code -D}, {@code -p}, {@code -v}, {@code -vv}, ...) and {@code ferry demo}.
 *
 * <p>{@link #run} holds the whole logic and returns the exit status, so that it can be called in
 * process; only {@link #main} exits.
 */
public final class Main {

    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {
    }

    public static void main(String[] args) {
        // Netty's leak detector samples one buffer in 128 and records a stack trace for it and for
        // each of its uses: a debugging aid that costs the proxy close to a tenth of the CPU time
        // it spends outside the kernel on a keep-alive request. Off in a running proxy unless
        // asked for (docs/lifecycle.md); the tests run it at its paranoid level.
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        System.exit(run(Arrays.asList(args), System.out, System.err, System.getenv()));
    }

    /**
     * Runs the command line {@code args}.
     *
     * @param out where results go ({@code Configuration file is valid}, versions)
     * @param err where alerts, warnings, notices and the usage go
     * @param env the environment configurations see
     * @return the exit status
     */
    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
        long pid = ProcessHandle.current().pid();
        Options options;
        try {
            options = OptionParser.parse(args);
        } catch (UsageException e) {
            new Console(out, err, pid, false, false).alert(e.getMessage());
            err.print(Usage.TEXT);
            err.flush();
            return ExitCodes.FAILURE;
        }
        Console console = new Console(out, err, pid, options.quiet(), options.diagnostics());
        int status = switch (options.command()) {
            case HELP -> {
                out.print(Usage.TEXT);
                yield ExitCodes.OK;
            }
            case VERSION -> {
                out.print(Version.text());
                yield ExitCodes.OK;
            }
            case BUILD_INFO -> {
                out.print(BuildInfo.text());
                yield ExitCodes.OK;
            }
            case CONDITION -> ConditionCommand.run(options, env, console);
            case CHECK -> CheckCommand.run(options, env, console);
            case DEMO -> DemoCommand.run(options, env, console);
            case RUN -> RunCommand.run(options, args, env, console);
        };
        out.flush();
        return status;
    }
}
