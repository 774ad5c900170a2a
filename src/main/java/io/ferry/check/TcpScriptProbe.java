package io.ferry.check;

import io.ferry.config.HealthCheck;
import io.ferry.config.HealthCheck.TcpStep;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;

/**
 * {@code option tcp-check}: runs the {@code tcp-check send|send-binary|expect} steps in order on
 * the connection. An expect step waits until what was received matches (then consumes it), until
 * the server closes, or until the 16 KiB check buffer is full, and consumes what it
 * matched (and what came before); a negated one ({@code !}) fails as
 * soon as the content matches. Verdicts and info texts are HAProxy's: {@code L7OK} with code 0 and
 * info {@code (tcp-check)} when the script had an expect step, {@code L4OK} when it had none, and
 * {@code L7RSP} with "TCPCHK did not match content 'X' at step N" (or "matched unwanted content")
 * on a failed expect. Steps are numbered from 1 in the order written. A {@code connect} step is
 * allowed first only (it sets the port, see {@link CheckSpec}).
 */
final class TcpScriptProbe extends ProbeHandler {

    private final List<TcpStep> steps;
    private int next;
    private ChannelHandlerContext ctx;

    TcpScriptProbe(HealthCheck check, Consumer<Verdict> done) {
        super(done);
        this.steps = check.tcpSteps();
    }

    @Override
    void connected(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        report(advance(false));
    }

    @Override
    Verdict evaluate(boolean closed) {
        return advance(closed);
    }

    /** Runs send steps and expect steps that can be decided now; a verdict at the end or on failure. */
    private Verdict advance(boolean closed) {
        while (next < steps.size()) {
            TcpStep step = steps.get(next);
            switch (step.kind()) {
                case CONNECT -> next++;
                case SEND, SEND_BINARY -> {
                    send(ctx, step.data());
                    next++;
                }
                case EXPECT_STRING, EXPECT_RSTRING, EXPECT_BINARY -> {
                    String r = received();
                    int end = matchEnd(step, r);
                    boolean matched = end >= 0;
                    if (matched && step.negated()) {
                        return Verdict.of(CheckStatus.L7RSP, "TCPCHK matched unwanted content" + what(step));
                    }
                    if (!matched && !closed && !full()) {
                        return null;
                    }
                    if (!matched && !step.negated()) {
                        return Verdict.of(CheckStatus.L7RSP, "TCPCHK did not match content" + what(step));
                    }
                    consume(Math.max(end, 0));
                    next++;
                }
                default -> throw new IllegalStateException(step.kind().name());
            }
        }
        boolean expected = steps.stream().anyMatch(s -> s.kind().name().startsWith("EXPECT"));
        return expected ? new Verdict(CheckStatus.L7OK, 0, "(tcp-check)") : Verdict.of(CheckStatus.L4OK);
    }

    /** Where the match of {@code step} in {@code r} ends, -1 when it does not match. */
    private static int matchEnd(TcpStep step, String r) {
        if (step.kind() == TcpStep.Kind.EXPECT_RSTRING) {
            Matcher m = step.regex().matcher(r);
            return m.find() ? m.end() : -1;
        }
        int i = r.indexOf(step.data());
        return i < 0 ? -1 : i + step.data().length();
    }

    private String what(TcpStep step) {
        String kind = switch (step.kind()) {
            case EXPECT_STRING -> " '" + step.data() + "'";
            case EXPECT_RSTRING -> " (regex)";
            default -> " (binary)";
        };
        return kind + " at step " + (next + 1);
    }
}
