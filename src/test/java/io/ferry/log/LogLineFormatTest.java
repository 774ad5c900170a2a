package io.ferry.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.LogFormat;
import io.ferry.config.LogTarget;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Lines and frames compared with what HAProxy 2.6 wrote for the same transactions. */
class LogLineFormatTest {

    private static final long MS = 1_000_000;
    /** 24/Nov/2026:07:03:38.202 UTC. */
    private static final long ACCEPT = Instant.parse("2026-11-24T07:03:38.202Z").toEpochMilli();

    private static StreamLog record(boolean http) {
        return new StreamLog(new InetSocketAddress("127.0.0.1", 40472), new InetSocketAddress("127.0.0.1", 18080),
                "fe", http, ACCEPT, 1_000 * MS);
    }

    private static String render(LogFormat f, StreamLog r) {
        return LogLineFormat.compile(f, ZoneOffset.UTC, "vm", 15386).render(r);
    }

    @Test
    void httplogOfANormalTransactionWithCaptures() {
        StreamLog r = record(true);
        r.firstByte(ACCEPT, 1_000 * MS);
        r.requestLine("GET", "/", "HTTP/1.1");
        r.headComplete(1_000 * MS);
        r.backend("be");
        r.serverAssigned("s1", new InetSocketAddress("127.0.0.1", 18090), 1_000 * MS);
        r.connected(1_000 * MS);
        r.responseHead(200, 1_002 * MS);
        r.end(1_002 * MS);
        r.bytesOut(417);
        r.counters(1, 1, 0, 0);
        r.requestCaptures(new String[] {"127.0"});
        r.responseCaptures(new String[] {"text/html; charset=u"});
        assertThat(render(LogFormat.HTTPLOG, r)).isEqualTo("127.0.0.1:40472 [24/Nov/2026:07:03:38.202] fe be/s1 "
                + "0/0/0/2/2 200 417 - - ---- 1/1/0/0/0 0/0 {127.0} {text/html; charset=u} \"GET / HTTP/1.1\"");
    }

    @Test
    void httplogWithoutABackendAndOfAnInvalidRequest() {
        StreamLog r = record(true);
        r.requestLine("GET", "/none", "HTTP/1.1");
        r.status(503);
        r.bytesOut(217);
        r.terminate(Termination.Cause.SERVER_ABORT, Termination.Phase.CONNECT);
        r.end(1_000 * MS);
        r.counters(1, 1, 0, 0);
        assertThat(render(LogFormat.HTTPLOG, r)).isEqualTo("127.0.0.1:40472 [24/Nov/2026:07:03:38.202] fe "
                + "fe/<NOSRV> -1/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 \"GET /none HTTP/1.1\"");

        StreamLog bad = record(true);
        bad.status(400);
        bad.terminate(Termination.Cause.PROXY, Termination.Phase.REQUEST);
        bad.end(1_000 * MS);
        bad.counters(1, 1, 0, 0);
        assertThat(render(LogFormat.HTTPLOG, bad)).isEqualTo("127.0.0.1:40472 [24/Nov/2026:07:03:38.202] fe "
                + "fe/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 \"<BADREQ>\"");
    }

    @Test
    void clfQuotesStringsButNotNumbersPortsOrTheClientAddress() {
        StreamLog r = new StreamLog(new InetSocketAddress("127.0.0.1", 55276), new InetSocketAddress("127.0.0.1", 1),
                "fclf", true, ACCEPT + 24, 1_000 * MS);
        r.requestLine("GET", "/x", "HTTP/1.1");
        r.headComplete(1_000 * MS);
        r.backend("be");
        r.serverAssigned("s1", null, 1_000 * MS);
        r.connected(1_000 * MS);
        r.responseHead(404, 1_008 * MS);
        r.end(1_008 * MS);
        r.bytesOut(500);
        r.counters(1, 1, 0, 0);
        assertThat(render(LogFormat.HTTPLOG_CLF, r)).isEqualTo("127.0.0.1 - - [24/Nov/2026:07:03:38 +0000] "
                + "\"GET /x HTTP/1.1\" 404 500 \"\" \"\" 55276 226 \"fclf\" \"be\" \"s1\" 0 0 0 8 8 ---- 1 1 0 0 0 0 0 "
                + "\"\" \"\" ");
    }

    @Test
    void tcplog() {
        StreamLog r = new StreamLog(new InetSocketAddress("127.0.0.1", 56674), new InetSocketAddress("127.0.0.1", 1),
                "ft", false, Instant.parse("2026-11-24T07:03:38.251Z").toEpochMilli(), 0);
        r.backend("bet");
        r.serverAssigned("s1", null, 1 * MS);
        r.connected(1 * MS);
        r.end(4 * MS);
        r.bytesOut(418);
        r.counters(1, 1, 0, 0);
        assertThat(render(LogFormat.TCPLOG, r))
                .isEqualTo("127.0.0.1:56674 [24/Nov/2026:07:03:38.251] ft bet/s1 1/0/4 418 -- 1/1/0/0/0 0/0");
    }

    @Test
    void customFormatsWithQuotingSamplesAndPercent() {
        StreamLog r = record(true);
        r.requestLine("GET", "/a/b?x=\"1\"", "HTTP/1.1");
        r.status(200);
        LogFormat f = LogFormat.parse("%{+Q}HM %HP %HQ %{+Q}r 100%% %[src] %[method,lower] %{+Q}[dst_port] %pid %H %Ts "
                + "%fi:%fp %{+Q}b %ID");
        assertThat(render(f, r)).isEqualTo("\"GET\" /a/b ?x=\"1\" \"GET /a/b?x=#221#22 HTTP/1.1\" 100% 127.0.0.1 get "
                + "\"18080\" 15386 vm 1795503818 127.0.0.1:18080 \"fe\" -");
    }

    @Test
    void capturesEscapeHaproxysReservedCharacters() {
        StreamLog r = record(true);
        r.requestCaptures(new String[] {"a|b{c}#\"", null});
        assertThat(render(LogFormat.parse("%hr %hrl"), r)).isEqualTo("{a#7Cb#7Bc#7D#23#22|} a#7Cb#7Bc#7D#23#22 -");
    }

    @Test
    void termination() {
        assertThat(Termination.of(Termination.Cause.CLIENT_TIMEOUT, Termination.Phase.DATA).code()).isEqualTo("cD");
        assertThat(Termination.NORMAL.code()).isEqualTo("--");
        StreamLog r = record(false);
        r.terminate(Termination.Cause.SERVER_TIMEOUT, Termination.Phase.CONNECT);
        r.terminate(Termination.Cause.CLIENT_ABORT, Termination.Phase.DATA);
        assertThat(r.termination().code()).as("the first cause wins").isEqualTo("sC");
    }

    @Test
    void syslogFramesAsHaproxy() {
        Instant t = Instant.parse("2026-11-24T07:04:23.425038Z");
        String line = "127.0.0.1:56196 [24/Nov/2026:07:04:23.424] fe fe/<NOSRV> -1/-1/-1/-1/0 503 217 - - SC-- "
                + "1/1/0/0/0 0/0 \"GET /none HTTP/1.1\"";
        assertThat(frame(LogTarget.Format.RFC3164, "local0", 1024, line, 3, t))
                .isEqualTo("<131>Nov 24 07:04:23 haproxy[15386]: " + line + "\n");
        assertThat(frame(LogTarget.Format.RFC5424, "local1", 1024, line, 3, t))
                .isEqualTo("<139>1 2026-11-24T07:04:23.425038+00:00 - haproxy 15386 - - " + line + "\n");
        assertThat(frame(LogTarget.Format.SHORT, "local2", 80, line, 3, t))
                .isEqualTo("<3>127.0.0.1:56196 [24/Nov/2026:07:04:23.424] fe fe/<NOSRV> -1/-1/-1/-1/0 503 21\n");
        assertThat(frame(LogTarget.Format.RAW, "local3", 1024, line, 6, t)).isEqualTo(line + "\n");
        assertThat(frame(LogTarget.Format.RFC3164, "local0", 1024, "x", 6, Instant.parse("2026-11-04T07:04:23Z")))
                .as("the day is padded with a space").isEqualTo("<134>Nov  4 07:04:23 haproxy[15386]: x\n");
    }

    private static String frame(LogTarget.Format f, String facility, int len, String line, int level, Instant t) {
        return new String(new SyslogFraming(f, facility, len, "haproxy", 15386, ZoneOffset.UTC).frame(line, level, t),
                StandardCharsets.UTF_8);
    }
}
