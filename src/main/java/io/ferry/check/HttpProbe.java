package io.ferry.check;

import io.ferry.config.Acl;
import io.ferry.config.HealthCheck;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code option httpchk}: sends the request of {@code option httpchk} / {@code http-check send},
 * reads the response and applies the {@code http-check expect} rules in order, with HAProxy's
 * verdicts: without rules a 2xx or 3xx status passes ({@code L7OK}) and another fails
 * ({@code L7STS}, with the reason phrase as info); a status rule that fails gives {@code L7STS}, a
 * body rule {@code L7RSP}; what is not an HTTP response gives {@code L7RSP}.
 *
 * <p>The body is matched as received (a chunked body with its chunk sizes), up to the end given
 * by {@code content-length}, the server's close, or the 16 KiB check buffer.
 */
final class HttpProbe extends ProbeHandler {

    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/\\d\\.\\d (\\d{3})(?: ([^\\r\\n]*))?\\r?\\n");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:[ \\t]*(\\d+)[ \\t]*\\r?$");

    private final HealthCheck check;

    HttpProbe(HealthCheck check, Consumer<Verdict> done) {
        super(done);
        this.check = check;
    }

    /** The request bytes, as ISO-8859-1 characters. */
    static String request(HealthCheck.HttpSend send) {
        StringBuilder b = new StringBuilder();
        b.append(send.method()).append(' ').append(send.uri()).append(' ').append(send.version()).append("\r\n");
        for (String[] h : send.headers()) {
            b.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (!send.body().isEmpty()) {
            b.append("content-length: ").append(send.body().length()).append("\r\n");
        }
        b.append("connection: close\r\n\r\n").append(send.body());
        return b.toString();
    }

    @Override
    void connected(ChannelHandlerContext ctx) {
        send(ctx, request(check.send()));
    }

    @Override
    Verdict evaluate(boolean closed) {
        String r = received();
        int headEnd = r.indexOf("\r\n\r\n");
        int bodyStart = headEnd + 4;
        if (headEnd < 0) {
            headEnd = r.indexOf("\n\n");
            bodyStart = headEnd + 2;
        }
        if (headEnd < 0) {
            return closed ? Verdict.of(CheckStatus.L7RSP) : null;
        }
        Matcher m = STATUS_LINE.matcher(r);
        if (!m.find()) {
            return Verdict.of(CheckStatus.L7RSP);
        }
        int code = Integer.parseInt(m.group(1));
        String reason = m.group(2) == null ? "" : m.group(2);
        String head = r.substring(0, headEnd);
        String body = r.substring(bodyStart);
        if (needsBody() && !closed) {
            Matcher cl = CONTENT_LENGTH.matcher(head);
            if (!cl.find() || body.length() < Long.parseLong(cl.group(1))) {
                return null;
            }
        }
        return verdict(code, reason, body);
    }

    private boolean needsBody() {
        return check.expects().stream().anyMatch(e -> e.kind() == HealthCheck.HttpExpect.Kind.STRING
                || e.kind() == HealthCheck.HttpExpect.Kind.RSTRING);
    }

    private Verdict verdict(int code, String reason, String body) {
        if (check.expects().isEmpty()) {
            return code >= 200 && code < 400 ? new Verdict(CheckStatus.L7OK, code, null)
                    : new Verdict(CheckStatus.L7STS, code, reason);
        }
        for (HealthCheck.HttpExpect e : check.expects()) {
            boolean matched = switch (e.kind()) {
                case STATUS -> inRanges(code, e.statuses());
                case RSTATUS -> e.regex().matcher(Integer.toString(code)).find();
                case STRING -> body.contains(e.value());
                case RSTRING -> e.regex().matcher(body).find();
            };
            if (matched == e.negated()) {
                return switch (e.kind()) {
                    case STATUS, RSTATUS -> new Verdict(CheckStatus.L7STS, code, reason);
                    case STRING, RSTRING -> new Verdict(CheckStatus.L7RSP, -1, matched
                            ? "HTTP check matched unwanted content" : "HTTP content check did not match");
                };
            }
        }
        return new Verdict(CheckStatus.L7OK, code, null);
    }

    private static boolean inRanges(int code, List<Acl.IntRange> ranges) {
        for (Acl.IntRange r : ranges) {
            if (code >= r.min() && code <= r.max()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "http check " + check.send().method().toUpperCase(Locale.ROOT) + " " + check.send().uri();
    }
}
