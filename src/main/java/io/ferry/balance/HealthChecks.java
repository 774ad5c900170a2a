package io.ferry.balance;

import io.ferry.check.CheckSpec;
import io.ferry.check.HealthChecker;
import io.ferry.config.Proxy;
import io.ferry.config.Server;
import io.netty.channel.EventLoopGroup;
import io.ferry.net.Transport;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks of a running Ferry: one {@link HealthChecker} per server with {@code check},
 * their results applied through each backend's {@link ServerHealthLog}. The first checks are spread
 * evenly over the interval, as HAProxy does at start, so that they do not all run at once.
 *
 * <pre>{@code
 * HealthChecks checks = new HealthChecks();
 * checks.add(backendModel, servers, healthLog);
 * checks.start(loops, Transport.select(), global.spreadChecks());
 * checks.close();
 * }</pre>
 */
public final class HealthChecks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    private record Planned(CheckSpec spec, BackendServer server, ServerHealthLog log) {
    }

    private final List<Planned> planned = new ArrayList<>();
    private final List<HealthChecker> running = new ArrayList<>();

    /**
     * Whether {@code server} of {@code backend} is checked: {@code check} and a port to check.
     * HAProxy disables the check of a server with neither a port nor {@code port}, with a warning.
     */
    public static boolean checked(Proxy backend, Server server) {
        return server.options().check() && CheckSpec.of(backend, server) != null;
    }

    /**
     * Plans the checks of {@code backend}, whose runtime servers are {@code servers} (in the order
     * of the model's), their results applied through {@code log}.
     */
    public void add(Proxy backend, List<BackendServer> servers, ServerHealthLog log) {
        for (int i = 0; i < servers.size(); i++) {
            Server model = backend.servers().get(i);
            if (!model.options().check()) {
                continue;
            }
            CheckSpec spec = CheckSpec.of(backend, model);
            if (spec == null) {
                LOG.warn("{} ({}), server '{}': neither a service port nor a check port; its check is disabled, "
                        + "as HAProxy does", backend, model.location(), model.name());
                continue;
            }
            planned.add(new Planned(spec, servers.get(i), log));
        }
    }

    /** Servers that will be checked. */
    public int size() {
        return planned.size();
    }

    /** Starts every check, spreading the first ones over the interval and the loops. */
    public void start(EventLoopGroup loops, Transport transport, int spreadPercent) {
        int n = planned.size();
        for (int i = 0; i < n; i++) {
            Planned p = planned.get(i);
            HealthChecker c = new HealthChecker(p.spec, loops.next(), transport.clientChannels(p.spec.target()),
                    () -> ServerHealthLog.phase(p.server), r -> p.log.checked(p.server, r), spreadPercent,
                    System::nanoTime);
            running.add(c);
            c.start(p.spec.inter() * i / n);
        }
    }

    /** Stops every check. */
    @Override
    public void close() {
        running.forEach(HealthChecker::stop);
        running.clear();
    }
}
