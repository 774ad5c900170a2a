package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.LoadResult;
import io.ferry.config.advisor.Advisor;
import io.ferry.config.advisor.MachineFacts;
import io.ferry.proxy.Ferry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code ferry -f cfg}: load the configuration, refuse it if it is not valid, otherwise serve it
 * until SIGINT or SIGTERM (stop now) or SIGUSR1 (soft stop), then exit 0; SIGHUP and SIGUSR2 reload it.
 */
final class RunCommand {

    private RunCommand() {
    }

    static int run(Options options, List<String> args, Map<String, String> env, Console console) {
        LoadResult result = ConfigLoading.loader(options, env).load(options.configs());
        Optional<Config> config = ConfigLoading.report(result, options, console);
        if (config.isEmpty()) {
            return ExitCodes.FAILURE;
        }
        return serve(config.get(), options, args, env, console, "", () -> { },
                () -> ConfigLoading.loader(options, env).load(options.configs()));
    }

    /**
     * Serves a valid configuration in the foreground, or as a daemon.
     *
     * @param unsupportedHint said after the alert when this build cannot serve at all
     * @param serving run once Ferry serves, before it waits to be stopped
     * @param source reads the configuration again on SIGHUP or SIGUSR2; null to refuse reloads
     */
    static int serve(Config config, Options options, List<String> args, Map<String, String> env, Console console,
                     String unsupportedHint, Runnable serving, Supplier<LoadResult> source) {
        if (!ConfigLoading.hasListener(config)) {
            console.alert("[ferry.main()] No enabled listener found (check for 'bind' directives) ! Exiting.");
            return ExitCodes.FAILURE;
        }
        Optional<Path> pidfile = options.pidfile().or(() -> config.global().pidfile().isEmpty()
                ? Optional.empty() : Optional.of(Path.of(config.global().pidfile())));
        boolean child = DaemonLauncher.isChild(env);
        if (!options.foreground() && !child && (options.daemon() || config.global().daemon())) {
            return DaemonLauncher.launch(args, env, pidfile, console);
        }
        Logging.configure(options);
        // The advisor speaks once, before serving; servers are not probed so that start-up stays quick.
        Advisor.advise(config, MachineFacts.current().withoutProbes()).forEach(console::finding);
        try (ProcessSignals signals = ProcessSignals.install()) {
            Ferry ferry;
            try {
                ferry = Ferry.start(config);
            } catch (UnsupportedOperationException e) {
                console.alert("[ferry.main()] Cannot serve: " + e.getMessage() + "." + unsupportedHint);
                return ExitCodes.FAILURE;
            } catch (Exception e) {
                // Bind failures and the like; Exception also covers a start() that declares IOException.
                console.alert("[ferry.main()] Cannot start: " + (e.getMessage() == null ? e : e.getMessage()));
                return ExitCodes.FAILURE;
            }
            RunningFerry running = new RunningFerry(ferry, source, options, console);
            signals.on(ProcessSignals.Request.STOP, running::stop);
            signals.on(ProcessSignals.Request.SOFT_STOP, running::softStop);
            long pid = ProcessHandle.current().pid();
            if (!child && pidfile.isPresent() && !PidFile.write(pidfile.get(), pid, console)) {
                ferry.close();
                return ExitCodes.FAILURE;
            }
            if (ProcessSignals.jvmSuspendsWithUsr2(env)) {
                console.warning(ProcessSignals.USR2_SHARED);
            }
            for (String w : signals.keptIgnored()) {
                console.warning(w);
            }
            console.notice("Loading success.");
            if (child) {
                DaemonLauncher.detach();
            }
            signals.on(ProcessSignals.Request.RELOAD, running::reload);
            serving.run();
            running.awaitClose();
            Optional<String> failure = running.failure();
            if (failure.isPresent()) {
                // As a crashed HAProxy: the process ends, for its supervisor to start it again.
                console.alert("[ferry.main()] " + failure.get() + ". Exiting.");
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }
}
