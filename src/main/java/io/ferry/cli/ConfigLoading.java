package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Diagnostic;
import io.ferry.config.Diagnostic.Severity;
import io.ferry.config.LoadResult;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads configurations for the command line and reports on them: every diagnostic, then HAProxy's
 * closing lines ({@code Error(s) found in configuration file : f}, {@code Fatal errors found in
 * configuration.}).
 */
final class ConfigLoading {

    /** The variable HAProxy sets to the local peer name ({@code -L}, else the host name). */
    static final String LOCAL_PEER_VARIABLE = "HAPROXY_LOCALPEER";

    private ConfigLoading() {
    }

    /** A loader that sees {@code env} plus {@code HAPROXY_LOCALPEER}, and this build's features. */
    static ConfigLoader loader(Options options, Map<String, String> env) {
        return ConfigLoader.builder().environment(environment(options, env)).features(Features.enabled()).build();
    }

    /** What configurations see: {@code env} less the daemon marker, plus {@code HAPROXY_LOCALPEER}. */
    static Map<String, String> environment(Options options, Map<String, String> env) {
        Map<String, String> seen = new HashMap<>(env);
        seen.remove(DaemonLauncher.CHILD_VARIABLE);
        seen.put(LOCAL_PEER_VARIABLE, options.localPeer().orElseGet(ConfigLoading::hostName));
        socketActivation(env, ProcessHandle.current().pid()).forEach(seen::putIfAbsent);
        return seen;
    }

    /**
     * systemd's socket activation: {@code LISTEN_FDS} listening sockets from descriptor 3 on, named
     * in order by {@code LISTEN_FDNAMES} (colon-separated). Each name becomes a variable holding its
     * descriptor number, so that {@code bind "fd@${NAME}"} finds it, unless the environment already
     * has that name. Nothing when {@code LISTEN_PID} is set to another process.
     */
    static Map<String, String> socketActivation(Map<String, String> env, long pid) {
        Map<String, String> names = new HashMap<>();
        String fds = env.get("LISTEN_FDS");
        String fdNames = env.get("LISTEN_FDNAMES");
        String listenPid = env.get("LISTEN_PID");
        if (fds == null || fdNames == null || (listenPid != null && !listenPid.equals(Long.toString(pid)))) {
            return names;
        }
        int n;
        try {
            n = Integer.parseInt(fds);
        } catch (NumberFormatException e) {
            return names;
        }
        String[] given = fdNames.split(":", -1);
        for (int i = 0; i < Math.min(n, given.length); i++) {
            if (!given[i].isEmpty()) {
                names.putIfAbsent(given[i], Integer.toString(3 + i));
            }
        }
        return names;
    }

    /**
     * Prints what {@code result} found and returns the configuration when it may be used: no
     * error, and no warning under {@code -dW}.
     */
    static Optional<Config> report(LoadResult result, Options options, Console console) {
        result.diagnostics().forEach(console::diagnostic);
        if (result.hasErrors()) {
            Set<String> files = new LinkedHashSet<>();
            for (Diagnostic d : result.errors()) {
                if (d.location().isKnown()) {
                    files.add(d.location().file());
                }
            }
            files.forEach(f -> console.alert("config : Error(s) found in configuration file : " + f));
            console.alert("config : Fatal errors found in configuration.");
            return Optional.empty();
        }
        if (options.zeroWarning() && hasWarnings(result)) {
            console.alert("config : Some warnings were found and 'zero-warning' is set. Aborting.");
            return Optional.empty();
        }
        return result.valid();
    }

    static boolean hasWarnings(LoadResult result) {
        return result.diagnostics().stream().anyMatch(d -> d.severity() == Severity.WARNING);
    }

    /** True when some frontend or listen section has a {@code bind}: HAProxy's test for "will start". */
    static boolean hasListener(Config config) {
        return config.frontends().stream().anyMatch(p -> !p.binds().isEmpty());
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | UnsupportedOperationException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
    }
}
