package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.CapturedError;
import io.ferry.testing.Configs;
import io.ferry.testing.HostileCorpus;
import io.ferry.testing.RawClient;
import io.ferry.testing.RecordingBackend;
import io.ferry.testing.ScriptedServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus of hostile and malformed messages ({@code src/test/resources/hostile/}): each raw
 * request gets the status its case names, and what the backend receives (read by Netty's own
 * decoder) is never ambiguous; each raw response is forwarded, refused with 502 and the server
 * connection closed, or cut; every refusal is captured with the rule it broke.
 */
class HostileInputTest extends FerryTestBase {

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

    private static final String GLOBAL = """
            global
                tune.bufsize 4096
                tune.maxrewrite 1024
                tune.http.maxhdr 20
            defaults
                mode http
                timeout client 5s
                timeout server 5s
                timeout connect 2s
            frontend www
                bind 127.0.0.1:0
                default_backend app
            backend app
                server s1 %s
            """;

    private InetSocketAddress start(String server) {
        ferry = Ferry.start(Configs.parse(GLOBAL.formatted(server)));
        return ferry.boundAddresses().get(0);
    }

    @TestFactory
    Stream<DynamicTest> requests() {
        RecordingBackend backend = new RecordingBackend();
        resources.add(backend);
        InetSocketAddress addr = start(backend.address());
        List<HostileCorpus.Case> cases = HostileCorpus.read("requests.txt");
        assertThat(cases).hasSizeGreaterThan(80);
        int[] total = new int[1];
        Stream<DynamicTest> each = cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            int before = backend.complete();
            long events = ferry.errors().total();
            String got;
            try (RawClient raw = new RawClient(addr)) {
                raw.sendBytes(c.bytes());
                raw.shutdownOutput();
                got = raw.readAll();
            }
            List<String> statuses = new ArrayList<>();
            Matcher m = STATUS.matcher(got);
            while (m.find()) {
                statuses.add(m.group(1));
            }
            assertThat(statuses).as("statuses of %s; got:%n%s", c.name(), got).isEqualTo(c.expected());
            int forwarded = Integer.parseInt(c.options().getOrDefault("backend",
                    Long.toString(c.expected().stream().filter("200"::equals).count())));
            total[0] += forwarded;
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> backend.complete() - before >= forwarded);
            assertThat(backend.complete() - before).as("complete requests the backend received").isEqualTo(forwarded);
            assertThat(backend.ambiguities()).as("ambiguous forwarded requests").isEmpty();
            if (c.options().containsKey("host")) {
                assertThat(backend.last().headers().getAll("host")).containsExactly(c.options().get("host"));
            }
            if (!c.reason().isEmpty()) {
                assertThat(ferry.errors().total()).as("refusals recorded").isGreaterThan(events);
                CapturedError e = ferry.errors().lastRequest("www").orElseThrow();
                assertThat(e.reason()).contains(c.reason());
                assertThat(e.position()).isBetween(0, Math.max(e.bytes().length, 3072));
                assertThat(e.direction()).isEqualTo(CapturedError.Direction.REQUEST);
            } else {
                assertThat(ferry.errors().total()).as("nothing refused").isEqualTo(events);
            }
        }));
        DynamicTest totals = DynamicTest.dynamicTest("nothing more reached the backend", () -> Awaitility.await()
                .during(300, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS)
                .until(() -> backend.complete() == total[0]));
        return Stream.concat(each, Stream.of(totals));
    }

    /** The case the scripted server is playing now. */
    private volatile HostileCorpus.Case playing;
    private volatile CompletableFuture<Boolean> serverSawClose;

    @TestFactory
    Stream<DynamicTest> responses() throws Exception {
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            HostileCorpus.Case c = playing;
            CompletableFuture<Boolean> closed = serverSawClose;
            out.write(c.bytes());
            out.flush();
            if (!c.expected().get(0).equals("200")) {
                closed.complete(readToEnd(in));
            }
        });
        resources.add(server);
        InetSocketAddress addr = start(server.address());
        List<HostileCorpus.Case> cases = HostileCorpus.read("responses.txt");
        assertThat(cases).hasSizeGreaterThan(25);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            playing = c;
            serverSawClose = new CompletableFuture<>();
            long events = ferry.errors().total();
            String method = c.options().getOrDefault("method", "GET");
            String got;
            try (RawClient raw = new RawClient(addr)) {
                raw.send(method + " /r HTTP/1.1\r\nHost: t\r\n\r\n");
                raw.shutdownOutput();
                got = raw.readAll();
            }
            String outcome = c.expected().get(0);
            switch (outcome) {
                case "200" -> {
                    String sent = new String(c.bytes(), StandardCharsets.ISO_8859_1);
                    assertThat(got).matches("(?s)HTTP/1\\.[01] " + sent.substring(9, 12) + "\\b.*");
                    assertThat(ferry.errors().total()).as("nothing refused").isEqualTo(events);
                }
                case "502" -> {
                    assertThat(got).startsWith("HTTP/1.1 502 Bad Gateway").contains("<h1>502 Bad Gateway</h1>");
                    assertThat(serverSawClose.get(5, TimeUnit.SECONDS)).as("server connection closed").isTrue();
                }
                case "cut" -> {
                    assertThat(got).startsWith("HTTP/1.1 200 OK").doesNotEndWith("0\r\n\r\n");
                    assertThat(serverSawClose.get(5, TimeUnit.SECONDS)).as("server connection closed").isTrue();
                }
                default -> throw new AssertionError("unknown outcome " + outcome);
            }
            if (!c.reason().isEmpty()) {
                CapturedError e = ferry.errors().lastResponse("app").orElseThrow();
                assertThat(e.event()).isGreaterThan(events);
                assertThat(e.reason()).contains(c.reason());
                assertThat(e.server()).isEqualTo("s1");
                assertThat(e.status()).isEqualTo(502);
            }
        }));
    }

    @org.junit.jupiter.api.Test
    void acceptInvalidHttpRequestLetsThroughOddCharactersButNoAmbiguousFraming() throws Exception {
        java.util.Queue<String> heads = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ScriptedServer server = new ScriptedServer((head, in, out) -> {
            heads.add(head);
            ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        });
        resources.add(server);
        ferry = Ferry.start(Configs.parse(GLOBAL.formatted(server.address())
                .replace("frontend www\n", "frontend www\n    option accept-invalid-http-request\n")));
        InetSocketAddress addr = ferry.boundAddresses().get(0);
        try (RawClient raw = new RawClient(addr)) {
            raw.send("GET /a\"{b} HTTP/1.1\r\nHost: t\r\nX@Y: 1\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 200");
        }
        assertThat(heads.poll()).startsWith("GET /a\"{b} HTTP/1.1\r\n").contains("X@Y: 1\r\n");
        try (RawClient raw = new RawClient(addr)) {
            raw.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1 400");
        }
        assertThat(heads).isEmpty();
    }

    private static boolean readToEnd(InputStream in) {
        try {
            while (in.read() >= 0) {
                // what Ferry sends after the response is not looked at
            }
            return true;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
