package io.ferry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code ferry} as a real process: a JVM on this test's class path, its output collected as it comes. */
final class FerryProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();

    private FerryProcess(Process process) {
        this.process = process;
        collect(process.getInputStream(), out);
        collect(process.getErrorStream(), err);
    }

    static FerryProcess start(Map<String, String> env, String... args) throws IOException {
        return start(env, List.of(), args);
    }

    /** Runs ferry through {@code launcher}, a command that ends by executing the rest of its command line. */
    static FerryProcess start(Map<String, String> env, List<String> launcher, String... args) throws IOException {
        // SIGHUP, SIGINT and SIGTERM as a terminal's foreground command has them, whatever the build
        // was started with (nohup ignores SIGHUP, a shell's background job SIGINT): a JVM keeps them
        // ignored if they were. A launcher may ignore one again.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=HUP,INT,TERM"));
        cmd.addAll(launcher);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // Whether the JVM shares SIGUSR2 with Ferry is the test's to say, not the build's.
        pb.environment().remove("_JAVA_SR_SIGNUM");
        pb.environment().putAll(env);
        return new FerryProcess(pb.start());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** Sends a signal by name, e.g. {@code INT} or {@code TERM}. */
    void signal(String name) throws IOException, InterruptedException {
        int status = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (status != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed with status " + status);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static void collect(InputStream in, StringBuffer into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "ferry-output");
        t.setDaemon(true);
        t.start();
    }
}
