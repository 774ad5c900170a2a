package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testing.Configs;
import io.ferry.testing.StandaloneFerry;
import io.ferry.testing.TestOrigin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB upload and a 1 GiB download at the same time through a Ferry whose heap is 64 MiB (and
 * whose direct memory is therefore bounded by the same amount): it can only succeed if bodies are
 * streamed with back-pressure, never buffered whole. The Ferry process's resident memory is
 * sampled throughout and reported.
 */
class StreamingMemoryTest {

    private static final long GIB = 1L << 30;

    @Test
    void oneGibibyteUpAndDownThroughA64MiBHeap(@TempDir Path dir) throws Exception {
        try (TestOrigin origin = TestOrigin.start("o")) {
            Path cfg = dir.resolve("ferry.cfg");
            Files.writeString(cfg, "global\n    nbthread 2\n" + Configs.HTTP_DEFAULTS + """
                    frontend www
                        bind 127.0.0.1:0
                        default_backend app
                    backend app
                        server o1 %s
                    """.formatted(origin.address()));
            Process ferry = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-Dio.netty.leakDetection.level=disabled",
                    "-cp", System.getProperty("java.class.path"), StandaloneFerry.class.getName(), cfg.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(ferry.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).startsWith("PORT ");
                String base = "http://127.0.0.1:" + line.substring(5);
                long baseline = rssKb(ferry.pid());
                AtomicLong peak = new AtomicLong(baseline);
                AtomicBoolean running = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    while (running.get()) {
                        peak.accumulateAndGet(rssKb(ferry.pid()), Math::max);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.start();
                long t0 = System.nanoTime();
                HttpClient client = HttpClient.newHttpClient();
                CompletableFuture<HttpResponse<String>> up = client.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/count")).POST(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(GIB)), GIB)).build(),
                        HttpResponse.BodyHandlers.ofString());
                CompletableFuture<HttpResponse<InputStream>> down = client.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/bytes?n=" + GIB)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                long downloaded = 0;
                try (InputStream in = down.get(60, TimeUnit.SECONDS).body()) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        downloaded += n;
                    }
                }
                HttpResponse<String> uploaded = up.get(60, TimeUnit.SECONDS);
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                running.set(false);
                sampler.join();
                assertThat(downloaded).isEqualTo(GIB);
                assertThat(uploaded.body()).isEqualTo(Long.toString(GIB));
                System.out.printf("streaming 1 GiB up + 1 GiB down in %d s; Ferry RSS baseline %d MiB, peak %d MiB%n",
                        seconds, baseline / 1024, peak.get() / 1024);
                // Heap capped at 64 MiB and direct memory at the same: growth stays far below a body's size.
                assertThat(peak.get() - baseline).isLessThan(256 * 1024);
                assertThat(ferry.isAlive()).isTrue();
            } finally {
                ferry.getOutputStream().close();
                if (!ferry.waitFor(10, TimeUnit.SECONDS)) {
                    ferry.destroyForcibly();
                }
            }
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** {@code length} zero bytes, made as they are read. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long length) {
            left = length;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
