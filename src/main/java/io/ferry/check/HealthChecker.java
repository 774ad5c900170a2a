package io.ferry.check;

import io.ferry.config.HealthCheck;
import io.ferry.net.ResourceShortage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Checks one server again and again on one event loop, one check in flight at a time, on its own
 * connections (a check never waits for, or delays, traffic). Each check connects to the spec's
 * target; a plain check passes once connected ({@code L4OK}), an HTTP or tcp-check one runs its
 * conversation ({@link HttpProbe}, {@link TcpScriptProbe}). Its result goes to the listener, which
 * updates the server's state; the next check starts an interval after this one started
 * ({@link CheckSpec#interval} for the phase the listener's state is then in), moved by up to
 * ±{@code spread-checks} percent.
 *
 * <pre>{@code
 * HealthChecker c = new HealthChecker(spec, loop, NioSocketChannel::new, phase, result -> ..., 0, System::nanoTime);
 * c.start(firstDelayMs);
 * c.stop();
 * }</pre>
 */
public final class HealthChecker {

    private final CheckSpec spec;
    private final EventLoop loop;
    private final ChannelFactory<? extends Channel> channels;
    private final Supplier<CheckSpec.Phase> phase;
    private final Consumer<CheckResult> listener;
    private final int spreadPercent;
    private final LongSupplier nanos;
    private volatile boolean stopped;
    private ScheduledFuture<?> timer;
    /** The check in flight (on the loop only). */
    private Attempt current;

    /**
     * @param channels makes the client channels for the spec's target (TCP of its address family,
     *     or unix stream sockets)
     * @param spreadPercent {@code spread-checks}, 0 to 50
     * @param nanos a monotonic clock for check durations
     */
    public HealthChecker(CheckSpec spec, EventLoop loop, ChannelFactory<? extends Channel> channels,
                         Supplier<CheckSpec.Phase> phase, Consumer<CheckResult> listener, int spreadPercent,
                         LongSupplier nanos) {
        this.spec = spec;
        this.loop = loop;
        this.channels = channels;
        this.phase = phase;
        this.listener = listener;
        this.spreadPercent = spreadPercent;
        this.nanos = nanos;
    }

    public CheckSpec spec() {
        return spec;
    }

    /** Starts checking after {@code delayMs} (how the first checks are spread over an interval). */
    public void start(long delayMs) {
        loop.execute(() -> schedule(delayMs));
    }

    /** Stops checking; a check in flight is abandoned without a result. */
    public void stop() {
        stopped = true;
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                if (timer != null) {
                    timer.cancel(false);
                }
                if (current != null) {
                    current.abandon();
                }
            });
        }
    }

    private void schedule(long delayMs) {
        if (!stopped) {
            timer = loop.schedule(this::run, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        }
    }

    /** The interval to the next check, with the spread: HAProxy adds a random ±spread% of it. */
    long nextInterval() {
        long interval = spec.interval(phase.get());
        if (spreadPercent <= 0) {
            return interval;
        }
        double jitter = (ThreadLocalRandom.current().nextDouble() * 2 - 1) * spreadPercent / 100.0;
        return Math.max(1, Math.round(interval * (1 + jitter)));
    }

    private void run() {
        if (stopped) {
            return;
        }
        current = new Attempt(nanos.getAsLong());
        current.connect();
    }

    /** One check: its channel, its deadline, and its single result. */
    private final class Attempt {

        private final long startNanos;
        private Channel channel;
        private ScheduledFuture<?> deadline;
        private boolean connected;
        private boolean finished;

        Attempt(long startNanos) {
            this.startNanos = startNanos;
        }

        void connect() {
            HealthCheck check = spec.check();
            ChannelHandler handler = switch (check.kind()) {
                case CONNECT -> new ChannelInboundHandlerAdapter();
                case HTTP -> new HttpProbe(check, this::finish);
                case TCP_SCRIPT -> check.tcpSteps().isEmpty() ? new ChannelInboundHandlerAdapter()
                        : new TcpScriptProbe(check, this::finish);
            };
            long connectTimeout = spec.connectTimeoutMs();
            Bootstrap b = new Bootstrap().group(loop).channelFactory(channels)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout))
                    .handler(handler);
            if (!(spec.target() instanceof DomainSocketAddress)) {
                // TCP only: a unix stream socket has neither.
                b.option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_LINGER, 0);
            }
            ChannelFuture f = b.connect(spec.target());
            channel = f.channel();
            if (f.isDone() && !f.isSuccess()) {
                // Failed at once, as when no socket could be had: a Bootstrap then tells its
                // listeners on a thread of its own, not on this loop.
                finish(connectFailure(f.cause()));
                return;
            }
            if (spec.responseTimeoutMs() < 0) {
                // No timeout check: the whole check must end within inter.
                deadline = loop.schedule(this::expired, connectTimeout, TimeUnit.MILLISECONDS);
            }
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    finish(connectFailure(done.cause()));
                    return;
                }
                connected = true;
                if (handler instanceof ProbeHandler) {
                    if (spec.responseTimeoutMs() >= 0) {
                        deadline = loop.schedule(this::expired, spec.responseTimeoutMs(), TimeUnit.MILLISECONDS);
                    }
                } else {
                    finish(Verdict.of(CheckStatus.L4OK));
                }
            });
        }

        private Verdict connectFailure(Throwable cause) {
            if (cause instanceof ConnectTimeoutException) {
                return Verdict.of(CheckStatus.L4TOUT);
            }
            ResourceShortage shortage = ResourceShortage.of(cause);
            if (shortage != null) {
                // No socket could be had: Ferry is short of descriptors or memory, whatever the
                // server's state. HAProxy reports SOCKERR too; the text says which shortage.
                return Verdict.of(CheckStatus.SOCKERR, "General socket error (" + shortage.strerror() + ")");
            }
            String info = connectInfo(cause);
            if (spec.target() instanceof DomainSocketAddress) {
                // A unix socket's connect fails at once: HAProxy reports it as a socket error.
                return Verdict.of(CheckStatus.SOCKERR, "General socket error (" + (info == null ? "unknown" : info) + ")");
            }
            if (spec.check().kind() == HealthCheck.Kind.TCP_SCRIPT && info != null) {
                info += " at initial connection step of tcp-check";
            }
            return Verdict.of(CheckStatus.L4CON, info);
        }

        private void expired() {
            finish(Verdict.of(connected ? CheckStatus.L7TOUT : CheckStatus.L4TOUT));
        }

        void finish(Verdict v) {
            if (finished) {
                return;
            }
            finished = true;
            current = null;
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (channel.isRegistered()) {
                // A channel that was never registered (none could be made) has nothing to close,
                // and its close would throw for want of an event loop.
                channel.close();
            }
            long elapsedNanos = nanos.getAsLong() - startNanos;
            if (stopped) {
                return;
            }
            listener.accept(v.withDuration(TimeUnit.NANOSECONDS.toMillis(elapsedNanos)));
            long next = TimeUnit.NANOSECONDS.toMillis(startNanos - nanos.getAsLong()) + nextInterval();
            schedule(next);
        }

        void abandon() {
            finished = true;
            if (deadline != null) {
                deadline.cancel(false);
            }
            channel.close();
        }
    }

    /**
     * HAProxy's info for a failed connect: the system's words for the error ("Connection refused",
     * "No route to host"), without the address Java appends.
     */
    static String connectInfo(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.io.FileNotFoundException) {
                // Netty's epoll transport, for a unix socket path that does not exist (ENOENT).
                return "No such file or directory";
            }
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            String lower = m.toLowerCase(Locale.ROOT);
            for (String known : new String[] {"Connection refused", "No route to host", "Network is unreachable",
                    "Connection reset by peer", "Connection timed out", "No such file or directory",
                    "Permission denied"}) {
                if (lower.contains(known.toLowerCase(Locale.ROOT))) {
                    return known;
                }
            }
            if (t instanceof ConnectException) {
                int colon = m.indexOf(':');
                return colon > 0 ? m.substring(0, colon) : m;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "health check of " + spec;
    }
}
