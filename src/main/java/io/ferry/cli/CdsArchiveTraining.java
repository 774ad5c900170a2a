package io.ferry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds Ferry's class-data sharing archive (AppCDS, JEP 350) by a training run: starts
 * {@code java -XX:ArchiveClassesAtExit=ARCHIVE -jar JAR -db -f CFG} as a child process on a small
 * configuration listening on 127.0.0.1, proxies one HTTP request and one {@code mode tcp}
 * connection through it to an origin of its own, and stops it with SIGTERM; the JVM writes every
 * class it loaded into the archive as it exits. A JVM started with
 * {@code -XX:SharedArchiveFile=ARCHIVE} then maps those classes instead of loading and verifying
 * them from the jar, which halves the time to the first accepted connection.
 *
 * <p>The archive is only good for the java that made it and, on Java 17, for the jar at the very
 * path it had in the training run; the JVM checks both when it maps the archive and silently does
 * without it otherwise. {@code mvn package} runs this for {@code target/ferry.jar}, and
 * {@code bin/ferry} runs it again when the java or the jar changed (see docs/packaging.md):
 *
 * <pre>java -cp ferry.jar io.ferry.cli.CdsArchiveTraining ferry.jar ferry.jsa</pre>
 *
 * <p>It writes the archive under a temporary name beside ARCHIVE and renames it into place, so a
 * JVM never maps half an archive. Exit status 0 when the archive was written, 1 otherwise, with
 * the reason and the end of the training run's output on stderr.
 */
public final class CdsArchiveTraining {

    private static final long START_TIMEOUT_MS = 60_000;
    private static final int IO_TIMEOUT_MS = 20_000;
    private static final String BODY = "trained\n";

    private CdsArchiveTraining() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java -cp ferry.jar " + CdsArchiveTraining.class.getName() + " JAR ARCHIVE");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path archive = Path.of(args[1]);
        try {
            train(jar, archive);
            writeStamp(jar, archive);
        } catch (IOException | RuntimeException e) {
            System.err.println("ferry: class-data sharing archive not built: " + e.getMessage());
            try {
                // An archive for another java or jar is of no use; the stamp keeps bin/ferry from
                // trying again at every start with the same java and jar.
                Files.deleteIfExists(archive);
                writeStamp(jar, archive);
            } catch (IOException ignored) {
                // the next start tries again
            }
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    static void train(Path jar, Path archive) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is not a file");
        }
        Path dir = Files.createTempDirectory("ferry-cds-");
        Path partial = archive.resolveSibling(archive.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread originThread = new Thread(() -> serve(origin), "cds-training-origin");
            originThread.setDaemon(true);
            originThread.start();
            int httpPort = freePort();
            int tcpPort = freePort();
            Path cfg = dir.resolve("training.cfg");
            Files.writeString(cfg, config(httpPort, tcpPort, origin.getLocalPort()));
            Path output = dir.resolve("training.out");
            List<String> command = new ArrayList<>(List.of(javaCommand(),
                    "-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                    "-jar", jar.toString(), "-db", "-f", cfg.toString()));
            Process ferry = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try {
                exercise(ferry, httpPort, tcpPort, output);
                ferry.destroy(); // SIGTERM: Ferry stops now and exits 0; the JVM writes the archive as it exits
                if (!ferry.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    throw new IOException("the training run did not exit within " + START_TIMEOUT_MS / 1000
                            + " s of SIGTERM" + tail(output));
                }
                if (ferry.exitValue() != 0) {
                    throw new IOException("the training run exited with status " + ferry.exitValue() + tail(output));
                }
            } finally {
                if (ferry.isAlive()) {
                    ferry.destroyForcibly().waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
            }
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                throw new IOException("the training run exited without writing an archive" + tail(output));
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Writes ARCHIVE.stamp: which java and which jar the archive was attempted for, in the form
     * bin/ferry computes with stat(1) to decide whether to train again. The JVM makes its own,
     * stricter check when it maps the archive; this one only saves a training run per start.
     */
    static void writeStamp(Path jar, Path archive) throws IOException {
        Path home = Path.of(System.getProperty("java.home"));
        String stamp = "java.home=" + home + "\n"
                + "modules=" + sizeAndTime(home.resolve("lib").resolve("modules")) + "\n"
                + "jar=" + jar + " " + sizeAndTime(jar) + "\n";
        Files.writeString(archive.resolveSibling(archive.getFileName() + ".stamp"), stamp);
    }

    private static String sizeAndTime(Path file) throws IOException {
        return Files.size(file) + " " + Files.getLastModifiedTime(file).to(TimeUnit.SECONDS);
    }

    /** A small configuration of the kind Ferry usually serves: HTTP with logs and a health check, and a TCP listener. */
    static String config(int httpPort, int tcpPort, int originPort) {
        return String.join("\n",
                "global",
                "    maxconn 100",
                "    log stdout format raw local0",
                "defaults",
                "    mode http",
                "    log global",
                "    option httplog",
                "    timeout connect 5s",
                "    timeout client 30s",
                "    timeout server 30s",
                "    timeout http-request 10s",
                "    timeout http-keep-alive 5s",
                "    timeout client-fin 5s",
                "    timeout server-fin 5s",
                "frontend www",
                "    bind 127.0.0.1:" + httpPort,
                "    http-request set-header X-Forwarded-Proto http",
                "    default_backend app",
                "backend app",
                "    balance roundrobin",
                "    option httpchk GET /",
                "    server app1 127.0.0.1:" + originPort + " check inter 1s",
                "listen tcp_in",
                "    mode tcp",
                "    option tcplog",
                "    bind 127.0.0.1:" + tcpPort,
                "    server app1 127.0.0.1:" + originPort,
                "");
    }

    private static void exercise(Process ferry, int httpPort, int tcpPort, Path output) throws IOException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            if (!ferry.isAlive()) {
                throw new IOException("the training run exited with status " + ferry.exitValue() + " at start-up" + tail(output));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), IO_TIMEOUT_MS);
                break;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("the training run did not listen on 127.0.0.1:" + httpPort + " within "
                            + START_TIMEOUT_MS / 1000 + " s" + tail(output));
                }
                sleepBriefly();
            }
        }
        for (int port : new int[] {httpPort, tcpPort}) {
            String answer = get(port);
            if (!answer.startsWith("HTTP/1.1 200") || !answer.endsWith(BODY)) {
                throw new IOException("a request through 127.0.0.1:" + port + " was answered: "
                        + answer.lines().findFirst().orElse("nothing") + tail(output));
            }
        }
    }

    private static String get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), IO_TIMEOUT_MS);
            s.setSoTimeout(IO_TIMEOUT_MS);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: training\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The origin: answers each request on a connection with a small 200, then closes. */
    private static void serve(ServerSocket origin) {
        while (!origin.isClosed()) {
            try (Socket s = origin.accept()) {
                s.setSoTimeout(IO_TIMEOUT_MS);
                readHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY.length()
                        + "\r\nConnection: close\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                if (origin.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 8), lines.size());
            return last.isEmpty() ? "" : "; its output ends:\n  " + String.join("\n  ", last);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
