package io.ferry.cli;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code connections} loops, each sending GETs one after another over its own kept-alive HTTP/1.1
 * connection (one JDK {@link HttpClient} each), until {@link #stop()}; it counts responses, non-2xx
 * statuses and failures, and remembers the {@code x-origin} of the latest response.
 */
final class SteadyLoad implements AutoCloseable {

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private final ExecutorService threads;
    private final AtomicInteger responses = new AtomicInteger();
    private final AtomicInteger non2xx = new AtomicInteger();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicReference<String> lastOrigin = new AtomicReference<>("");
    private final CountDownLatch done;
    private volatile boolean running = true;

    SteadyLoad(int port, int connections) {
        threads = Executors.newFixedThreadPool(connections);
        done = new CountDownLatch(connections);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/load"))
                .timeout(Duration.ofSeconds(30)).build();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        for (int i = 0; i < connections; i++) {
            threads.execute(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                try {
                    while (running && System.nanoTime() < deadline) {
                        try {
                            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() / 100 != 2) {
                                non2xx.incrementAndGet();
                            }
                            r.headers().firstValue("x-origin").ifPresent(lastOrigin::set);
                            responses.incrementAndGet();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
    }

    void awaitResponses(int n) {
        await().atMost(Duration.ofSeconds(120)).until(() -> responses.get() >= n || !failures.isEmpty());
    }

    int responses() {
        return responses.get();
    }

    int non2xx() {
        return non2xx.get();
    }

    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    String failureSample() {
        Throwable t = failures.peek();
        return t == null ? "none" : t.toString();
    }

    String lastOrigin() {
        return lastOrigin.get();
    }

    /** Stops sending and waits for the loops to end. */
    void stop() throws InterruptedException {
        running = false;
        done.await(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        threads.shutdownNow();
    }
}
