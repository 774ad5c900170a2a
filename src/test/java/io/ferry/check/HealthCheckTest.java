package io.ferry.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.balance.BackendServer;
import io.ferry.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Health checks on real loopback sockets: servers going down and up, backups, HTTP checks, the log lines. */
class HealthCheckTest extends HealthTestBase {

    /** Room for the scheduling noise of a busy machine on top of the bounds HAProxy's rules give. */
    private static final long SLACK_MS = 700;

    private BackendServer server(String name) {
        return server("app", name);
    }

    @Test
    void aServerWhoseProcessDiesIsDownWithinInterTimesFallAndUpAgainWithinInterTimesRise() throws Exception {
        TestOrigin a = origin("a", 0);
        TestOrigin b = origin("b", 0);
        int aPort = a.port();
        // Server connections are not pooled here: a request that was on a pooled connection when the
        // server died is replayed (HttpStream), which is about connection reuse, not about checks.
        start("""
                    option redispatch
                    option http-server-close
                    retries 2
                    timeout connect 1s
                    server a %s check inter 200 fall 2 rise 2
                    server b %s check inter 200 fall 2 rise 2
                """.formatted(a.address(), b.address()));
        await().atMost(Duration.ofSeconds(5)).until(() -> server("a").state().status().equals("UP")
                && server("b").state().status().equals("UP"));
        assertThat(server("a").state().lastCheck().status()).isEqualTo("L4OK");

        // Requests go on all the time; none sent after a died may fail while a is found DOWN and comes
        // back. One that a was serving at the instant it died may fail: it cannot be replayed safely.
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicLong diedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            while (running.get()) {
                long sent = System.nanoTime();
                String failure;
                try {
                    HttpResponse<String> r = get("/x");
                    failure = r.statusCode() == 200 ? null : r.statusCode() + " " + r.body();
                } catch (Exception e) {
                    failure = e.toString();
                }
                if (failure != null && sent >= diedAt.get()) {
                    failures.add(failure);
                }
            }
        });
        traffic.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.requests() > 5 && b.requests() > 5);
            long died = System.nanoTime();
            diedAt.set(died);
            a.close();
            await().atMost(Duration.ofMillis(200 * 2 + 200 + SLACK_MS)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server("a").state().status().equals("DOWN"));
            long downAfterMs = (System.nanoTime() - died) / 1_000_000;
            assertThat(server("a").state().lastCheck().status()).isEqualTo("L4CON");
            assertThat(server("a").state().downTransitions()).isEqualTo(1);
            assertThat(server("a").state().failedChecks()).isEqualTo(2);
            // The log line follows the state change, from the checker's thread.
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lines())
                    .anySatisfy(l -> assertThat(l).matches("Server app/a is DOWN, reason: Layer4 connection "
                    + "problem, info: \"Connection refused\", check duration: \\d+ms\\. 1 active and 0 backup servers "
                    + "left\\. \\d+ sessions active, 0 requeued, 0 remaining in queue\\.")));

            int bBefore = b.requests();
            await().atMost(Duration.ofSeconds(8)).until(() -> b.requests() > bBefore + 10);

            long back = System.nanoTime();
            TestOrigin a2 = origin("a2", aPort);
            await().atMost(Duration.ofMillis(200 * 2 + 200 + SLACK_MS)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server("a").state().status().equals("UP"));
            // The log line follows the state change, from the checker's thread.
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lines())
                    .anySatisfy(l -> assertThat(l).matches("Server app/a is UP, reason: Layer4 check "
                    + "passed, check duration: \\d+ms\\. 2 active and 0 backup servers online\\. 0 sessions "
                    + "requeued, 0 total in queue\\.")));
            await().atMost(Duration.ofSeconds(8)).until(() -> a2.requests() > 5);
            assertThat(downAfterMs).isLessThanOrEqualTo(200 * 3 + SLACK_MS);
            assertThat((System.nanoTime() - back) / 1_000_000).isLessThan(5_000);
        } finally {
            running.set(false);
            traffic.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aDownServerGetsNoTrafficAndBackupsTakeOverThenNoServerMeans503() throws Exception {
        TestOrigin active = origin("active", 0);
        TestOrigin backup = origin("backup", 0);
        int healthPort = deadPort();
        start("""
                    server a %s check port %d inter 100 fall 1 rise 1
                    server x %s check inter 100 fall 1 rise 1 backup
                """.formatted(active.address(), healthPort, backup.address()));
        await().atMost(Duration.ofSeconds(3)).until(() -> server("a").state().status().equals("DOWN"));
        assertThat(lines().get(0)).matches("Server app/a is DOWN, reason: Layer4 connection problem, info: "
                + "\"Connection refused\", check duration: \\d+ms\\. 0 active and 1 backup servers left\\. Running on "
                + "backup\\. 0 sessions active, 0 requeued, 0 remaining in queue\\.");
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-origin")).hasValue("backup");
        }
        assertThat(active.requests()).as("the DOWN server's traffic port, alive, got nothing").isZero();

        // The active server's check port comes alive: it takes the traffic back from the backup.
        TestOrigin health = origin("health", healthPort);
        await().atMost(Duration.ofSeconds(3)).until(() -> server("a").state().usable());
        assertThat(get("/x").headers().firstValue("x-origin")).hasValue("active");
        assertThat(health.accepted()).isPositive();

        health.close();
        backup.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> !server("a").state().usable() && !server("x").state().usable());
        assertThat(server("x").state().status()).isEqualTo("DOWN");
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(lines()).contains("backend app has no server available!"));
        // The log line follows the state change, from the checker's thread.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lines())
                    .anySatisfy(l -> assertThat(l).startsWith("Backup Server app/x is DOWN, reason: Layer4 "
                + "connection problem, info: \"Connection refused\"")));
        HttpResponse<String> r = get("/x");
        assertThat(r.statusCode()).isEqualTo(503);
    }

    @Test
    void httpChecksMarkServersByTheirAnswers() throws Exception {
        TestOrigin o = origin("o", 0);
        start("""
                    option httpchk GET /status/404
                    server s %s check inter 100 fall 1 rise 1
                """.formatted(o.address()));
        await().atMost(Duration.ofSeconds(3)).until(() -> server("s").state().status().equals("DOWN"));
        assertThat(server("s").state().lastCheck().status()).isEqualTo("L7STS");
        assertThat(server("s").state().lastCheck().code()).isEqualTo(404);
        assertThat(lines().get(0)).matches("Server app/s is DOWN, reason: Layer7 wrong status, code: 404, info: "
                + "\"Not Found\", check duration: \\d+ms\\. 0 active and 0 backup servers left\\. 0 sessions active, "
                + "0 requeued, 0 remaining in queue\\.");
        assertThat(o.seen()).anySatisfy(req -> assertThat(req.uri()).isEqualTo("/status/404"));
        assertThat(get("/x").statusCode()).isEqualTo(503);
    }

    @Test
    void httpCheckExpectStringPassesOnTheBody() throws Exception {
        TestOrigin o = origin("o", 0);
        int dead = deadPort();
        start("""
                    option httpchk GET /hello
                    http-check expect string GET\\ /hello
                    timeout check 2s
                    server s %s check inter 100 fall 1 rise 1
                    server t 127.0.0.1:%d check inter 100 fall 1 rise 1
                """.formatted(o.address(), dead));
        await().atMost(Duration.ofSeconds(3)).until(() -> server("t").state().status().equals("DOWN")
                && server("s").state().lastCheck() != null);
        assertThat(server("s").state().lastCheck().status()).isEqualTo("L7OK");
        assertThat(server("s").state().lastCheck().code()).isEqualTo(200);
        assertThat(server("s").state().status()).isEqualTo("UP");
        assertThat(get("/x").headers().firstValue("x-origin")).hasValue("o");
    }
}
