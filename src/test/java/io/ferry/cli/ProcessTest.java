package io.ferry.cli;

import static io.ferry.cli.InProcess.FIXTURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ferry} as a separate JVM, for what only a real process shows: exit statuses, signals,
 * daemon mode. While this build's proxy engine cannot serve, a valid configuration must end with
 * status 1 and an alert saying so; once it serves, the same tests stop it with a signal and
 * expect status 0.
 */
class ProcessTest {

    private static final Duration START = Duration.ofSeconds(60);

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void validConfigurationServesUntilSignalledOrSaysWhyItCannot(String signal, @TempDir Path dir) throws Exception {
        int port = freePort();
        Path pidfile = dir.resolve("ferry.pid");
        try (FerryProcess p = FerryProcess.start(Map.of("FERRY_TEST_PORT", Integer.toString(port)),
                "-d", "-p", pidfile.toString(), "-f", FIXTURES + "valid.cfg")) {
            await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));

            if (!p.isAlive()) {
                assertCannotServe(p, p.pid());
                assertThat(pidfile).doesNotExist();
            } else {
                assertThat(p.err()).contains("[NOTICE]   (" + p.pid() + ") : Loading success.");
                assertThat(pidfile).hasContent(p.pid() + "\n");
                assertThat(accepts(port)).isTrue();
                p.signal(signal);
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
                assertThat(accepts(port)).isFalse();
            }
        }
    }

    @Test
    void portInUseIsAnAlertAndStatusOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             FerryProcess p = FerryProcess.start(Map.of("FERRY_TEST_PORT", Integer.toString(taken.getLocalPort())),
                     "-f", FIXTURES + "valid.cfg")) {
            await().atMost(START).until(() -> !p.isAlive());

            assertThat(p.exitValue()).isEqualTo(1);
            if (!p.err().contains("Cannot serve: ")) {
                assertThat(p.err()).contains("[ALERT]    (" + p.pid() + ") : [ferry.main()] Cannot start: ");
            }
            assertThat(p.err()).doesNotContain("Loading success.");
        }
    }

    @Test
    void invalidConfigurationExitsOneWithEveryError() throws Exception {
        try (FerryProcess p = FerryProcess.start(Map.of(), "-f", FIXTURES + "invalid.cfg")) {
            await().atMost(START).until(() -> !p.isAlive());

            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(p.err()).contains("[ALERT]    (" + p.pid() + ") : config : parsing [" + FIXTURES + "invalid.cfg:3]")
                    .contains("invalid.cfg:8]");
        }
    }

    @Test
    void demoServesItsBuiltInConfigurationOrSaysWhyItCannot() throws Exception {
        int port = freePort();
        try (FerryProcess p = FerryProcess.start(Map.of("FERRY_DEMO_PORT", Integer.toString(port)), "demo",
                "--print-config")) {
            await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));

            assertThat(p.err()).contains("demo : the built-in configuration is valid; starting frontend 'demo' on"
                    + " 127.0.0.1:" + port + " in front of the demo's site on 127.0.0.1:");
            // --print-config: the configuration it runs, with the origins' real ports.
            assertThat(p.out()).contains("bind 127.0.0.1:" + port + "\n")
                    .containsPattern("server web1 127\\.0\\.0\\.1:[1-9][0-9]*\\n")
                    .containsPattern("server chat1 127\\.0\\.0\\.1:[1-9][0-9]*\\n")
                    .doesNotContain("@");
            if (!p.isAlive()) {
                assertCannotServe(p, p.pid());
                assertThat(p.err()).contains("this build of Ferry cannot serve all of the configuration");
            } else {
                await().atMost(START).until(() -> p.out().contains("Ferry demo: open http://127.0.0.1:" + port + "/"));
                p.signal("TERM");
                await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
                assertThat(p.exitValue()).isZero();
            }
        }
    }

    @Test
    void daemonModeDetachesAndWritesThePidOrRelaysWhyItCannotStart(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path pidfile = dir.resolve("ferry.pid");
        try (FerryProcess p = FerryProcess.start(Map.of("FERRY_TEST_PORT", Integer.toString(port)),
                "-D", "-p", pidfile.toString(), "-f", FIXTURES + "valid.cfg")) {
            await().atMost(START).until(() -> !p.isAlive());

            if (p.exitValue() != 0) {
                assertThat(p.exitValue()).isEqualTo(1);
                // The alert comes from the daemon process, relayed by the parent.
                assertThat(p.err()).containsPattern("\\[ALERT\\]    \\((\\d+)\\) : \\[ferry\\.main\\(\\)\\] Cannot serve: ")
                        .doesNotContain("(" + p.pid() + ") : [ferry.main()] Cannot serve");
                assertThat(pidfile).doesNotExist();
            } else {
                long daemon = Long.parseLong(Files.readString(pidfile).strip());
                ProcessHandle handle = ProcessHandle.of(daemon).orElseThrow();
                try {
                    assertThat(daemon).isNotEqualTo(p.pid());
                    await().atMost(START).until(() -> accepts(port));
                } finally {
                    handle.destroy();
                    await().atMost(Duration.ofSeconds(30)).until(() -> !handle.isAlive());
                }
            }
        }
    }

    /**
     * Started without {@code _JAVA_SR_SIGNUM}, the JVM suspends its threads for JFR's samples with
     * SIGUSR2, Ferry's reload signal: Ferry says so once it serves. With it, as bin/ferry starts
     * Ferry, it says nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "39"})
    void saysWhenJfrWouldReloadIt(String srSignum, @TempDir Path dir) throws Exception {
        int port = freePort();
        Path cfg = Files.writeString(dir.resolve("ferry.cfg"), oneFrontend(port));
        Map<String, String> env = srSignum.isEmpty() ? Map.of() : Map.of("_JAVA_SR_SIGNUM", srSignum);
        try (FerryProcess p = FerryProcess.start(env, "-d", "-f", cfg.toString())) {
            await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));
            assertThat(p.isAlive()).as(p.err()).isTrue();
            String warning = "[WARNING]  (" + p.pid() + ") : " + ProcessSignals.USR2_SHARED;
            if (srSignum.isEmpty()) {
                assertThat(p.err()).contains(warning);
            } else {
                assertThat(p.err()).doesNotContain("SIGUSR2");
            }
        }
    }

    /**
     * Started with SIGHUP ignored, as under nohup, the JVM keeps it ignored: Ferry says so at start,
     * and SIGUSR2, which it names instead, still reloads it. Started normally, it says nothing of it.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void saysWhenItStartedWithSighupIgnored(boolean ignored, @TempDir Path dir) throws Exception {
        int port = freePort();
        Path cfg = Files.writeString(dir.resolve("ferry.cfg"), oneFrontend(port));
        List<String> launcher = ignored ? List.of("env", "--ignore-signal=HUP") : List.of();
        try (FerryProcess p = FerryProcess.start(Map.of("_JAVA_SR_SIGNUM", "39"), launcher, "-d", "-f", cfg.toString())) {
            await().atMost(START).until(() -> !p.isAlive() || p.err().contains("Loading success."));
            assertThat(p.isAlive()).as(p.err()).isTrue();
            String warning = "[WARNING]  (" + p.pid() + ") : " + ProcessSignals.keptIgnoredWarning("HUP");
            if (ignored) {
                assertThat(p.err()).contains(warning).contains("SIGHUP will not reload Ferry. Send SIGUSR2 instead");
                assertThat(p.err().indexOf(warning)).isLessThan(p.err().indexOf("Loading success."));
                p.signal("USR2");
                await().atMost(START).until(() -> p.err().contains("Reload success"));
            } else {
                assertThat(p.err()).doesNotContain("was ignored when this process started");
            }
            assertThat(p.err()).doesNotContain("SIGINT was ignored").doesNotContain("SIGTERM was ignored");
        }
    }

    /** A frontend on {@code port} to a server that is never asked. */
    private static String oneFrontend(int port) {
        return """
                defaults
                    mode http
                    timeout client 5s
                    timeout server 5s
                    timeout connect 1s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend site
                backend site
                    server s1 127.0.0.1:9
                """.formatted(port);
    }

    private static void assertCannotServe(FerryProcess p, long pid) {
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(p.err()).contains("[ALERT]    (" + pid + ") : [ferry.main()] Cannot serve: ");
        assertThat(p.err()).doesNotContain("Loading success.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
