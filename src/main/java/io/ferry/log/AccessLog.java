package io.ferry.log;

import io.ferry.config.Capture;
import io.ferry.config.LogTarget;
import io.ferry.net.ConnectionEnds;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The access log of one frontend: its log targets (its own and, with {@code log global}, the
 * global ones), its line format, {@code option dontlognull}, {@code option log-separate-errors}
 * and its header captures. Built by {@link AccessLogs}; used on event loops, where {@link #emit}
 * renders the line and hands it to the {@link LogQueue} without ever waiting.
 */
public final class AccessLog {

    /** A target with its framing and level filter. */
    record Target(LogTarget model, LogSink sink, SyslogFraming framing, int maxLevel, int minLevel) {
    }

    private final String frontend;
    private final boolean http;
    private final List<Target> targets;
    private final LogLineFormat format;
    private final boolean dontLogNull;
    private final boolean separateErrors;
    private final List<Capture> requestCaptures;
    private final List<Capture> responseCaptures;
    private final LogQueue queue;
    private final Clock clock;

    AccessLog(String frontend, boolean http, List<Target> targets, LogLineFormat format, boolean dontLogNull,
              boolean separateErrors, List<Capture> captures, LogQueue queue, Clock clock) {
        this.frontend = frontend;
        this.http = http;
        this.targets = List.copyOf(targets);
        this.format = format;
        this.dontLogNull = dontLogNull;
        this.separateErrors = separateErrors;
        this.requestCaptures = captures.stream().filter(c -> c.direction() == Capture.Direction.REQUEST).toList();
        this.responseCaptures = captures.stream().filter(c -> c.direction() == Capture.Direction.RESPONSE).toList();
        this.queue = queue;
        this.clock = clock;
    }

    /** The wall clock of the log's dates. */
    public long millis() {
        return clock.millis();
    }

    /**
     * A stream was accepted. Without a line format (no {@code option httplog}, {@code tcplog} or
     * {@code log-format}), HAProxy's default log writes one line now; with one, a record to fill.
     */
    public StreamLog accepted(InetSocketAddress client, InetSocketAddress local, long nanos) {
        return accepted(new ConnectionEnds(client, local, 0), nanos);
    }

    /** {@link #accepted(InetSocketAddress, InetSocketAddress, long)} for a TCP or a unix socket connection. */
    public StreamLog accepted(ConnectionEnds ends, long nanos) {
        long now = clock.millis();
        if (format == null) {
            InetSocketAddress client = ends.source();
            InetSocketAddress local = ends.destination();
            // HAProxy's words for a unix socket connection: the listener's id stands for the addresses
            send((ends.unix() ? "Connect to unix:" + ends.unixListener()
                    : "Connect from " + client.getAddress().getHostAddress() + ":" + client.getPort() + " to "
                    + local.getAddress().getHostAddress() + ":" + local.getPort())
                    + " (" + frontend + "/" + (http ? "HTTP" : "TCP") + ")", SyslogFraming.INFO);
        }
        return new StreamLog(ends, frontend, http, now, nanos);
    }

    /** Whether lines are written at the end of streams ({@link #emit} does something). */
    public boolean logsStreams() {
        return format != null;
    }

    /** The request headers to capture, in declaration order, each cut to its length; null for absent ones. */
    public String[] captureRequest(Function<String, String> headers) {
        return capture(requestCaptures, headers);
    }

    public String[] captureResponse(Function<String, String> headers) {
        return capture(responseCaptures, headers);
    }

    public boolean capturesRequest() {
        return !requestCaptures.isEmpty();
    }

    public boolean capturesResponse() {
        return !responseCaptures.isEmpty();
    }

    private static String[] capture(List<Capture> captures, Function<String, String> headers) {
        String[] out = new String[captures.size()];
        for (int i = 0; i < out.length; i++) {
            Capture c = captures.get(i);
            String v = headers.apply(c.header());
            out[i] = v == null ? null : v.length() > c.length() ? v.substring(0, c.length()) : v;
        }
        return out;
    }

    /** The stream (or transaction) ended: writes its line, unless {@code option dontlognull} skips it. */
    public void emit(StreamLog r) {
        if (format == null || (dontLogNull && !r.receivedAnything())) {
            return;
        }
        int level = separateErrors && r.isError() ? SyslogFraming.ERR : SyslogFraming.INFO;
        send(format.render(r), level);
    }

    private void send(String line, int level) {
        java.time.Instant now = clock.instant();
        for (Target t : targets) {
            if (level > t.maxLevel) {
                continue;
            }
            int l = Math.max(level, t.minLevel);
            queue.offer(t.sink, t.framing.frame(line, l, now));
        }
    }
}
