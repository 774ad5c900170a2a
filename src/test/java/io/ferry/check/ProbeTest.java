package io.ferry.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.HealthCheck;
import io.ferry.testing.Configs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conversations of HTTP and tcp-check checks, on an {@link EmbeddedChannel}, with HAProxy 2.6's verdicts. */
class ProbeTest {

    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";

    private static HealthCheck check(String rules) {
        return Configs.parse(Configs.HTTP_DEFAULTS + "backend b\n" + rules + "    server s 127.0.0.1:80 check\n")
                .backends().get(0).healthCheck();
    }

    /** Runs a probe: returns what it sent and its verdict after {@code answer} (then a close when {@code close}). */
    private static Result run(HealthCheck check, String answer, boolean close) {
        List<Verdict> verdicts = new ArrayList<>();
        ProbeHandler probe = check.kind() == HealthCheck.Kind.HTTP ? new HttpProbe(check, verdicts::add)
                : new TcpScriptProbe(check, verdicts::add);
        EmbeddedChannel ch = new EmbeddedChannel(probe);
        StringBuilder sent = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            sent.append(b.toString(StandardCharsets.ISO_8859_1));
        }
        if (!answer.isEmpty()) {
            ch.writeInbound(Unpooled.copiedBuffer(answer, StandardCharsets.ISO_8859_1));
        }
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            sent.append(b.toString(StandardCharsets.ISO_8859_1));
        }
        if (close) {
            ch.close();
        }
        Verdict v = verdicts.isEmpty() ? null : verdicts.get(0);
        ch.finishAndReleaseAll();
        assertThat(verdicts).hasSizeLessThanOrEqualTo(1);
        return new Result(sent.toString(), v);
    }

    private record Result(String sent, Verdict verdict) {
    }

    @Test
    void httpchkSendsItsRequestAndPassesOn2xxOr3xx() {
        Result r = run(check("    option httpchk GET /health HTTP/1.1\n"), OK, false);
        assertThat(r.sent()).startsWith("GET /health HTTP/1.1\r\n").contains("connection: close\r\n").endsWith("\r\n\r\n");
        assertThat(r.verdict()).isEqualTo(new Verdict(CheckStatus.L7OK, 200, null));
        assertThat(run(check("    option httpchk\n"), "HTTP/1.0 302 Found\r\n\r\n", false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7OK, 302, null));
        assertThat(run(check("    option httpchk\n"), "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
                false).verdict()).isEqualTo(new Verdict(CheckStatus.L7STS, 503, "Service Unavailable"));
    }

    @Test
    void httpCheckSendBuildsTheRequest() {
        Result r = run(check("""
                    option httpchk
                    http-check send meth POST uri /ping ver HTTP/1.1 hdr Host example.org body ping
                """), OK, false);
        assertThat(r.sent()).isEqualTo("POST /ping HTTP/1.1\r\nHost: example.org\r\ncontent-length: 4\r\n"
                + "connection: close\r\n\r\nping");
    }

    @Test
    void statusExpectations() {
        assertThat(run(check("    option httpchk\n    http-check expect status 200-299,404\n"),
                "HTTP/1.1 404 Not Found\r\n\r\n", false).verdict()).isEqualTo(new Verdict(CheckStatus.L7OK, 404, null));
        assertThat(run(check("    option httpchk GET /health\n    http-check expect status 200\n"),
                "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n", false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7STS, 404, "Not Found"));
        assertThat(run(check("    option httpchk\n    http-check expect ! status 200\n"), OK, false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7STS, 200, "OK"));
        assertThat(run(check("    option httpchk\n    http-check expect rstatus ^5\n"), OK, false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7STS, 200, "OK"));
        assertThat(run(check("    option httpchk\n    http-check expect rstatus ^2\n"), OK, false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7OK, 200, null));
    }

    @Test
    void bodyExpectationsWaitForTheWholeBody() {
        HealthCheck string = check("    option httpchk\n    http-check expect string hello\n");
        assertThat(run(string, "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhel", false).verdict()).isNull();
        assertThat(run(string, OK, false).verdict()).isEqualTo(new Verdict(CheckStatus.L7OK, 200, null));
        assertThat(run(check("    option httpchk\n    http-check expect string nomatch\n"), OK, false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7RSP, -1, "HTTP content check did not match"));
        assertThat(run(check("    option httpchk\n    http-check expect ! string hello\n"), OK, false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7RSP, -1, "HTTP check matched unwanted content"));
        assertThat(run(check("    option httpchk\n    http-check expect ! rstring hel+o\n"), OK, false).verdict())
                .isEqualTo(new Verdict(CheckStatus.L7RSP, -1, "HTTP check matched unwanted content"));
        assertThat(run(check("    option httpchk\n    http-check expect rstring ^h.l+o$\n"),
                "HTTP/1.0 200 OK\r\n\r\nhello", true).verdict()).isEqualTo(new Verdict(CheckStatus.L7OK, 200, null));
    }

    @Test
    void whatIsNotAnHttpResponseIsAnInvalidResponse() {
        assertThat(run(check("    option httpchk\n"), "garbage\r\n\r\n", false).verdict()).isEqualTo(Verdict.of(CheckStatus.L7RSP));
        assertThat(run(check("    option httpchk\n"), "", true).verdict()).isEqualTo(Verdict.of(CheckStatus.L7RSP));
        assertThat(run(check("    option httpchk\n"), "HTTP/1.1 200 OK\r\n", false).verdict()).isNull();
    }

    @Test
    void tcpCheckScripts() {
        HealthCheck script = check("""
                    option tcp-check
                    tcp-check send PING\\r\\n
                    tcp-check expect string +PONG
                """);
        Result r = run(script, "+PONG\r\n", false);
        assertThat(r.sent()).isEqualTo("PING\r\n");
        assertThat(r.verdict()).isEqualTo(new Verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
        assertThat(run(script, "-ERR", false).verdict()).as("waits for more").isNull();
        assertThat(run(script, "-ERR", true).verdict())
                .isEqualTo(Verdict.of(CheckStatus.L7RSP, "TCPCHK did not match content '+PONG' at step 2"));
        assertThat(run(check("""
                    option tcp-check
                    tcp-check send GET\\ /\\r\\n\\r\\n
                    tcp-check expect ! string HTTP
                """), OK, false).verdict())
                .isEqualTo(Verdict.of(CheckStatus.L7RSP, "TCPCHK matched unwanted content 'HTTP' at step 2"));
        assertThat(run(check("""
                    option tcp-check
                    tcp-check send GET\\ /\\r\\n\\r\\n
                    tcp-check expect rstring ^zzz
                """), OK, true).verdict())
                .isEqualTo(Verdict.of(CheckStatus.L7RSP, "TCPCHK did not match content (regex) at step 2"));
        Result binary = run(check("""
                    option tcp-check
                    tcp-check send-binary 474554202f0d0a0d0a
                    tcp-check expect binary 7a7a
                """), OK, true);
        assertThat(binary.sent()).isEqualTo("GET /\r\n\r\n");
        assertThat(binary.verdict()).isEqualTo(Verdict.of(CheckStatus.L7RSP, "TCPCHK did not match content (binary) at step 2"));
        assertThat(run(check("""
                    option tcp-check
                    tcp-check send a
                    tcp-check expect string b
                    tcp-check send c
                    tcp-check expect binary 64
                """), "bd", false)).isEqualTo(new Result("ac", new Verdict(CheckStatus.L7OK, 0, "(tcp-check)")));
    }
}
