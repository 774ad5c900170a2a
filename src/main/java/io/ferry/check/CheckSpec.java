package io.ferry.check;

import io.ferry.config.Address;
import io.ferry.config.HealthCheck;
import io.ferry.config.Proxy;
import io.ferry.config.Server;
import io.ferry.config.ServerOptions;
import io.ferry.config.TimeoutKind;
import java.net.InetAddress;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What to check on one server and when, from its {@code server} line and its backend's check
 * settings, with HAProxy's rules for timeouts: when {@code timeout check} is set, the connection
 * must be established within min({@code timeout connect}, {@code inter}) and the answer must come
 * within {@code timeout check} after that; otherwise the whole check must end within {@code inter}.
 *
 * @param target where checks connect: {@code addr} and {@code port} override the server's own, and
 *     the port of a first {@code tcp-check connect port N} overrides both ports; a {@code unix@}
 *     server is checked on its socket (a {@link DomainSocketAddress})
 * @param connectTimeoutMs how long the connection may take
 * @param responseTimeoutMs how long the answer may take once connected, or -1 when the whole check
 *     is bounded by {@code connectTimeoutMs} alone (no {@code timeout check})
 */
public record CheckSpec(String backend, String server, SocketAddress target, HealthCheck check, long inter,
                        long fastinter, long downinter, long connectTimeoutMs, long responseTimeoutMs) {

    /** How the server stands, which picks the interval to the next check. */
    public enum Phase {
        /** Up with no failure counted: {@code inter}. */
        HEALTHY,
        /** A change is under way (failures while up, successes while down): {@code fastinter}. */
        CHANGING,
        /** Down with no success counted: {@code downinter}. */
        DOWN
    }

    /**
     * The spec of {@code server} in {@code backend}, or null when the server has no port to check
     * (no port of its own and no {@code port}): HAProxy disables such a check with a warning.
     */
    public static CheckSpec of(Proxy backend, Server server) {
        ServerOptions o = server.options();
        if (server.address().kind() == Address.Kind.UNIX) {
            return of(backend, server, new DomainSocketAddress(server.address().path()));
        }
        int port = o.checkPort() > 0 ? o.checkPort() : server.address().port();
        HealthCheck hc = backend.healthCheck();
        if (hc.kind() == HealthCheck.Kind.TCP_SCRIPT && !hc.tcpSteps().isEmpty()
                && hc.tcpSteps().get(0).kind() == HealthCheck.TcpStep.Kind.CONNECT && hc.tcpSteps().get(0).port() > 0) {
            port = hc.tcpSteps().get(0).port();
        }
        if (port == 0) {
            return null;
        }
        InetAddress address = o.checkAddress() != null ? o.checkAddress() : server.address().address();
        return of(backend, server, new InetSocketAddress(address, port));
    }

    private static CheckSpec of(Proxy backend, Server server, SocketAddress target) {
        ServerOptions o = server.options();
        long connect = backend.timeout(TimeoutKind.CONNECT).map(l -> l.value()).orElse(0L);
        long check = backend.timeout(TimeoutKind.CHECK).map(l -> l.value()).orElse(0L);
        long connectTimeout = check > 0 && connect > 0 ? Math.min(connect, o.inter()) : o.inter();
        return new CheckSpec(backend.name(), server.name(), target,
                backend.healthCheck(), o.inter(), o.fastinter(), o.downinter(), connectTimeout, check > 0 ? check : -1);
    }

    /** The interval to the next check in {@code phase}, before any spread (HAProxy's srv_getinter). */
    public long interval(Phase phase) {
        return switch (phase) {
            case HEALTHY -> inter;
            case CHANGING -> fastinter > 0 ? fastinter : inter;
            case DOWN -> downinter > 0 ? downinter : inter;
        };
    }

    @Override
    public String toString() {
        return backend + "/" + server;
    }
}
