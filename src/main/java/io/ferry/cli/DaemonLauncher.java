package io.ferry.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ferry -D}: a JVM cannot fork, so the parent starts a second JVM with the same command
 * line (less {@code -D} and {@code -p}, plus {@code -db}) in a new session, relays what it prints
 * until it has started, writes its pid to the pidfile and exits 0. When the child fails to start,
 * the parent has shown its alerts and exits with its status.
 */
final class DaemonLauncher {

    /** Set in the child's environment: it reports readiness on standard output, then goes silent. */
    static final String CHILD_VARIABLE = "FERRY_DAEMON_CHILD";
    static final String READY = "ferry: daemon started";

    private DaemonLauncher() {
    }

    static boolean isChild(Map<String, String> env) {
        return env.containsKey(CHILD_VARIABLE);
    }

    static int launch(List<String> args, Map<String, String> env, Optional<Path> pidfile, Console console) {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put(CHILD_VARIABLE, "1");
        pb.redirectErrorStream(true);
        pb.redirectInput(new File("/dev/null"));
        try {
            Process child = pb.start();
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.equals(READY)) {
                        return pidfile.map(p -> PidFile.write(p, child.pid(), console)).orElse(true)
                                ? ExitCodes.OK : ExitCodes.FAILURE;
                    }
                    console.err().println(line);
                }
            }
            return child.waitFor();
        } catch (IOException e) {
            console.alert("[ferry.main()] Cannot start the daemon process: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    /** In the child, once serving: tells the parent, then drops standard output and error. */
    static void detach() {
        System.out.println(READY);
        System.out.flush();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
    }

    private static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        // setsid(1) starts the JVM as leader of a new session, away from the terminal's signals.
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                cmd.add(dir + "/setsid");
                break;
            }
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(childArgs(args));
        return cmd;
    }

    /** The command line without {@code -D} and {@code -p FILE}, with {@code -db}. */
    static List<String> childArgs(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                out.add("-db");
                out.addAll(args.subList(i, args.size()));
                return out;
            }
            if (a.equals("-p")) {
                i++;
            } else if (!a.equals("-D")) {
                out.add(a);
                if (OptionParser.takesValue(a) && i + 1 < args.size()) {
                    out.add(args.get(++i));
                }
            }
        }
        out.add("-db");
        return out;
    }
}
