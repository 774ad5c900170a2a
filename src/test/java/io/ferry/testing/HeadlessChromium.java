package io.ferry.testing;

import io.ferry.config.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, with the JDK's own WebSocket
 * client: no driver binary, no library. Tests open pages and evaluate JavaScript in them.
 *
 * <pre>{@code
 * assumeTrue(HeadlessChromium.executable().isPresent(), "no Chromium on this machine");
 * try (HeadlessChromium chromium = HeadlessChromium.start()) {
 *     HeadlessChromium.Page page = chromium.open("http://127.0.0.1:" + port + "/");
 *     await().until(() -> "complete".equals(page.evaluate("document.readyState")));
 *     page.evaluate("document.querySelector('button').click()");
 * }
 * }</pre>
 *
 * <p>Chromium runs with a fresh profile in a temporary directory, which {@link #close} deletes,
 * and with the flags that keep it off the network it does not need (no background networking,
 * component updates or sync). It is found at {@code CHROMIUM} (an environment variable), else
 * {@code /usr/bin/chromium} or {@code /usr/bin/chromium-browser}.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    /** The Chromium executable, if this machine has one. */
    public static Optional<Path> executable() {
        String configured = System.getenv("CHROMIUM");
        Stream<String> candidates = configured != null ? Stream.of(configured)
                : Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
        return candidates.map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts Chromium and connects to it; fails when there is none (check {@link #executable}). */
    public static HeadlessChromium start() throws IOException, InterruptedException {
        Path exe = executable().orElseThrow(() -> new IllegalStateException("no Chromium executable"));
        Path profile = Files.createTempDirectory("ferry-chromium");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank"));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            // Chromium writes its DevTools port and browser path there once it listens.
            Path active = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + START.toNanos();
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Chromium did not start: " + log(profile));
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
                lines = Files.exists(active) ? Files.readAllLines(active) : List.of();
            }
            URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
            Receiver receiver = new Receiver();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(START)
                    .buildAsync(uri, receiver).get(START.toSeconds(), TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, profile, socket);
            receiver.owner = chromium;
            return chromium;
        } catch (IOException | InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            process.destroyForcibly().waitFor();
            delete(profile);
            throw e instanceof IOException io ? io : new IOException("cannot start Chromium", e);
        }
    }

    /** Opens {@code url} in a new tab; the page may still be loading when this returns. */
    public Page open(String url) {
        Map<String, Object> target = send(null, "Target.createTarget", "{\"url\":" + Json.quote(url) + "}");
        String targetId = (String) target.get("targetId");
        Map<String, Object> session = send(null, "Target.attachToTarget",
                "{\"targetId\":" + Json.quote(targetId) + ",\"flatten\":true}");
        return new Page((String) session.get("sessionId"));
    }

    /** A tab, attached. */
    public final class Page {

        private final String sessionId;

        private Page(String sessionId) {
            this.sessionId = sessionId;
        }

        /**
         * Evaluates a JavaScript expression in the page, waiting for a promise it returns, and
         * gives its value as {@link JsonReader} does (numbers as {@link Double}); a thrown
         * exception fails with its description.
         */
        @SuppressWarnings("unchecked")
        public Object evaluate(String expression) {
            Map<String, Object> r = send(sessionId, "Runtime.evaluate", "{\"expression\":" + Json.quote(expression)
                    + ",\"awaitPromise\":true,\"returnByValue\":true}");
            if (r.containsKey("exceptionDetails")) {
                Map<String, Object> details = (Map<String, Object>) r.get("exceptionDetails");
                Object exception = details.get("exception");
                throw new AssertionError("JavaScript threw: " + (exception instanceof Map<?, ?> m
                        ? m.get("description") : details.get("text")) + " in: " + expression);
            }
            return ((Map<String, Object>) r.get("result")).get("value");
        }

        /** The text of the element with this id, or {@code null} when there is none. */
        public String text(String id) {
            return (String) evaluate("(function () { const e = document.getElementById(" + Json.quote(id)
                    + "); return e ? e.textContent : null; })()");
        }

        /** Clicks the element with this id. */
        public void click(String id) {
            evaluate("document.getElementById(" + Json.quote(id) + ").click()");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> send(String sessionId, String method, String params) {
        int id = nextId.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        String message = "{\"id\":" + id + ",\"method\":" + Json.quote(method) + ",\"params\":" + params
                + (sessionId == null ? "" : ",\"sessionId\":" + Json.quote(sessionId)) + "}";
        try {
            socket.sendText(message, true).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            Map<String, Object> reply = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            if (reply.containsKey("error")) {
                throw new AssertionError("DevTools " + method + " failed: " + reply.get("error"));
            }
            return (Map<String, Object>) reply.get("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("DevTools " + method + " got no answer within " + COMMAND, e);
        } finally {
            pending.remove(id);
        }
    }

    /** Answers by id; events (no id) are not used. */
    private static final class Receiver implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Map<String, Object> message = (Map<String, Object>) JsonReader.parse(partial.toString());
                partial.setLength(0);
                HeadlessChromium o = owner;
                if (o != null && message.get("id") instanceof Double id) {
                    CompletableFuture<Map<String, Object>> f = o.pending.get(id.intValue());
                    if (f != null) {
                        f.complete(message);
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        socket.abort();
        // Chromium's helpers (renderers, utilities) may outlive the browser process for a moment and
        // still write in the profile: they are stopped and waited for too.
        java.util.List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            for (ProcessHandle h : helpers) {
                h.destroy();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(profile);
    }

    private static String log(Path profile) {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Deletes the profile; a file that vanishes while it is walked is no error, and the walk is tried again. */
    private static void delete(Path dir) {
        for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // Something came or went during the walk: walk again.
            }
        }
    }
}
