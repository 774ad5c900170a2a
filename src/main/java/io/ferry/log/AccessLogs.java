package io.ferry.log;

import io.ferry.config.Config;
import io.ferry.config.LogTarget;
import io.ferry.config.Mode;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The access logs of a running Ferry: one {@link LogQueue} and one sink per log target, shared by
 * the frontends that use the target, and an {@link AccessLog} per frontend that logs.
 *
 * <pre>{@code
 * try (AccessLogs logs = AccessLogs.start(config, Clock.systemDefaultZone())) {
 *     AccessLog fe = logs.frontend("www");   // null when it has no log target
 * }
 * }</pre>
 */
public final class AccessLogs implements AutoCloseable {

    /** The syslog tag, as HAProxy writes its program name. */
    public static final String TAG = "ferry";

    private final LogQueue queue;
    private final Map<LogTarget, LogSink> sinks = new HashMap<>();
    private final Map<String, AccessLog> frontends = new HashMap<>();

    private AccessLogs(Config config, Clock clock, OutputStream stdout, OutputStream stderr, int capacity) {
        queue = new LogQueue(capacity);
        long pid = ProcessHandle.current().pid();
        String hostname = hostname();
        try {
            for (Proxy p : config.frontends()) {
                List<LogTarget> models = new ArrayList<>(p.logs());
                if (p.logGlobal()) {
                    models.addAll(config.global().logs());
                }
                if (models.isEmpty()) {
                    continue;
                }
                List<AccessLog.Target> targets = new ArrayList<>();
                for (LogTarget t : models) {
                    LogSink sink = sinks.computeIfAbsent(t, m -> open(m, stdout, stderr));
                    targets.add(new AccessLog.Target(t, sink,
                            new SyslogFraming(t.format(), t.facility(), t.maxLength(), TAG, pid, clock.getZone()),
                            t.level().isEmpty() ? 7 : SyslogFraming.LEVELS.indexOf(t.level()),
                            t.minLevel().isEmpty() ? 0 : SyslogFraming.LEVELS.indexOf(t.minLevel())));
                }
                LogLineFormat format = p.logFormat() == null ? null
                        : LogLineFormat.compile(p.logFormat(), clock.getZone(), hostname, pid);
                frontends.put(p.name(), new AccessLog(p.name(), p.mode().value() == Mode.HTTP, targets, format,
                        p.option(ProxyOption.DONTLOGNULL), p.option(ProxyOption.LOG_SEPARATE_ERRORS), p.captures(),
                        queue, clock));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens the sinks of {@code config}'s log targets; process output for stdout and stderr. */
    public static AccessLogs start(Config config, Clock clock) {
        return new AccessLogs(config, clock, new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), LogQueue.DEFAULT_CAPACITY);
    }

    /** As {@link #start(Config, Clock)}, writing {@code log stdout}/{@code stderr} lines to the given streams. */
    public static AccessLogs start(Config config, Clock clock, OutputStream stdout, OutputStream stderr,
                                   int capacity) {
        return new AccessLogs(config, clock, stdout, stderr, capacity);
    }

    /** The access log of frontend (or listen section) {@code name}; null when it logs nowhere. */
    public AccessLog frontend(String name) {
        return frontends.get(name);
    }

    /** Messages dropped because the queue was full: the stats page's count. */
    public long dropped() {
        return queue.dropped();
    }

    /** The queue, for its counters. */
    public LogQueue queue() {
        return queue;
    }

    private static LogSink open(LogTarget t, OutputStream stdout, OutputStream stderr) {
        return switch (t.kind()) {
            case STDOUT -> new StreamSink(stdout);
            case STDERR -> new StreamSink(stderr);
            case UDP -> new UdpSink(new InetSocketAddress(t.udpAddress().address(), t.udpAddress().port()));
            case UNIX -> UnixDatagramSink.open(t.target());
        };
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Sends what is queued, then closes the sockets. */
    @Override
    public void close() {
        queue.close();
        sinks.values().forEach(LogSink::close);
    }
}
