package io.ferry.cli;

import io.ferry.cli.Options.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads HAProxy's command line by hand: its flags ({@code -vv}, {@code -cc}, {@code -db}) are
 * single words with a single dash that option libraries read as bundles of letters.
 *
 * <p>Later flags win over earlier ones the way they do in HAProxy: {@code -V} after {@code -q}
 * turns quiet mode off again. {@code -v}, {@code -vv} and {@code -h} win over everything else.
 */
final class OptionParser {

    /** HAProxy flags that Ferry does not implement (see docs/cli.md). */
    private static final Set<String> UNSUPPORTED = Set.of("-n", "-N", "-m", "-C", "-x", "-S", "-Ws", "-de", "-dp",
            "-dS", "-dG", "-dR", "-dL", "-dr", "-dV", "-sf", "-st");

    /** Ferry's flags that take the next argument as their value. */
    private static final Set<String> WITH_VALUE = Set.of("-f", "-cc", "-p", "-L", "--format");

    private OptionParser() {
    }

    static boolean takesValue(String flag) {
        return WITH_VALUE.contains(flag);
    }

    static Options parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("no configuration file given: name one with -f FILE|DIR, or try 'ferry demo'");
        }
        if (args.get(0).equals("demo")) {
            return parseDemo(args.subList(1, args.size()));
        }
        List<Path> configs = new ArrayList<>();
        Command command = Command.RUN;
        boolean check = false;
        int version = 0;
        boolean help = false;
        String condition = "";
        boolean debug = false;
        boolean foreground = false;
        boolean diagnostics = false;
        boolean zeroWarning = false;
        boolean daemon = false;
        Optional<Path> pidfile = Optional.empty();
        Optional<String> localPeer = Optional.empty();
        boolean quiet = false;
        boolean explain = false;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                args.subList(i + 1, args.size()).forEach(f -> configs.add(Path.of(f)));
                break;
            }
            switch (a) {
                case "-f" -> configs.add(Path.of(value(args, ++i, "-f FILE|DIR")));
                case "-c" -> check = true;
                case "-cc" -> {
                    condition = value(args, ++i, "-cc EXPR");
                    command = Command.CONDITION;
                }
                case "-d" -> {
                    debug = true;
                    foreground = true;
                }
                case "-db" -> foreground = true;
                case "-dD" -> diagnostics = true;
                case "-dW" -> zeroWarning = true;
                case "-D" -> daemon = true;
                case "-p" -> pidfile = Optional.of(Path.of(value(args, ++i, "-p PIDFILE")));
                case "-W" -> {
                    // Master-worker mode: Ferry is a single process, so there is nothing to change.
                }
                case "-L" -> localPeer = Optional.of(value(args, ++i, "-L NAME"));
                case "-q" -> quiet = true;
                case "-V" -> quiet = false;
                case "-v" -> version = Math.max(version, 1);
                case "-vv" -> version = 2;
                case "-h", "--help" -> help = true;
                case "--explain" -> explain = true;
                case "--format" -> json = switch (value(args, ++i, "--format text|json")) {
                    case "json" -> true;
                    case "text" -> false;
                    default -> throw new UsageException("option '--format' takes 'text' or 'json', got '"
                            + args.get(i) + "'");
                };
                default -> throw unknown(a);
            }
        }
        if (help) {
            command = Command.HELP;
        } else if (version > 0) {
            command = version == 1 ? Command.VERSION : Command.BUILD_INFO;
        } else if (command != Command.CONDITION && check) {
            command = Command.CHECK;
        }
        if ((explain || json) && command != Command.CHECK && command != Command.HELP) {
            throw new UsageException("'" + (explain ? "--explain" : "--format") + "' goes with -c: "
                    + "ferry -c " + (explain ? "--explain" : "--format json") + " -f FILE");
        }
        return new Options(command, List.copyOf(configs), condition, debug, foreground, diagnostics, zeroWarning,
                daemon, pidfile, localPeer, quiet, explain, json, Options.Demo.NONE);
    }

    private static Options parseDemo(List<String> args) throws UsageException {
        boolean debug = false;
        boolean quiet = false;
        Optional<Integer> port = Optional.empty();
        boolean printConfig = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-d" -> debug = true;
                case "-q" -> quiet = true;
                case "--port" -> port = Optional.of(port(value(args, ++i, "--port N"), "option '--port'"));
                case "--print-config" -> printConfig = true;
                default -> throw new UsageException("'demo' takes --port N, --print-config, -d or -q, got '"
                        + a + "'");
            }
        }
        return new Options(Command.DEMO, List.of(), "", debug, true, false, false, false, Optional.empty(),
                Optional.empty(), quiet, false, false, new Options.Demo(port, printConfig));
    }

    /** A TCP port number, 1 to 65535; {@code what} names where it came from in the error. */
    static int port(String text, String what) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new UsageException(what + " takes a port number from 1 to 65535, got '" + text + "'");
    }

    private static String value(List<String> args, int index, String syntax) throws UsageException {
        if (index >= args.size()) {
            throw new UsageException("option '" + syntax.substring(0, syntax.indexOf(' ')) + "' needs a value: "
                    + syntax);
        }
        return args.get(index);
    }

    private static UsageException unknown(String arg) {
        if (UNSUPPORTED.contains(arg) || arg.startsWith("-dM")
                || arg.startsWith("-dK")) {
            return new UsageException("option '" + arg + "' is a HAProxy option that Ferry does not support");
        }
        if (!arg.startsWith("-")) {
            return new UsageException("unexpected argument '" + arg + "'; name configuration files with -f " + arg);
        }
        return new UsageException("unknown option '" + arg + "'");
    }
}
