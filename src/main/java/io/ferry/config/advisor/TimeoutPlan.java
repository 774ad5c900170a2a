package io.ferry.config.advisor;

import io.ferry.config.Located;
import io.ferry.config.Location;
import io.ferry.config.Mode;
import io.ferry.config.Proxy;
import io.ferry.config.TimeoutKind;
import java.util.List;
import java.util.Optional;

/**
 * Which timeout rules each phase of a connection from one frontend to one backend, after HAProxy's
 * fallbacks and Ferry's own default for half-closed connections.
 *
 * <p>HAProxy's fallbacks: the request head is bounded by {@code timeout http-request}, else only
 * {@code timeout client} between reads; {@code timeout queue} falls back to {@code timeout connect};
 * the keep-alive idle wait to {@code http-request}, then {@code client}; {@code http-request} and
 * {@code http-keep-alive} are taken from the frontend unless it is in TCP mode. In a tunnel
 * {@code timeout tunnel} replaces both client and server timeouts. Ferry's addition: without
 * {@code timeout client-fin}/{@code server-fin}, a half-closed side is reaped after
 * min(its timeout, 30 s).
 */
public record TimeoutPlan(Proxy frontend, Proxy backend, List<Step> steps) {

    /** Ferry's bound on a half-closed side when no fin timeout is configured. */
    public static final long DEFAULT_FIN_MS = 30_000;

    /** The phases of a connection, in the order a connection lives through them. */
    public enum Phase {
        REQUEST_HEAD("request head"),
        QUEUE("queue"),
        CONNECT("connect"),
        RESPONSE("response"),
        KEEP_ALIVE("keep-alive idle"),
        TUNNEL("tunnel"),
        CLIENT_HALF_CLOSED("client half-closed"),
        SERVER_HALF_CLOSED("server half-closed");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The rule for one phase.
     *
     * @param ms the bound in milliseconds, 0 for none
     * @param rule what sets it, e.g. {@code timeout client} or {@code timeout connect (timeout queue not set)}
     * @param location the line that set the value, {@link Location#NONE} for built-in values
     */
    public record Step(Phase phase, long ms, String rule, Location location) {
    }

    public static TimeoutPlan of(Proxy frontend, Proxy backend) {
        Proxy httpSide = frontend.mode().value() == Mode.TCP ? backend : frontend;
        Optional<Located<Long>> client = frontend.timeout(TimeoutKind.CLIENT);
        Optional<Located<Long>> server = backend.timeout(TimeoutKind.SERVER);
        Optional<Located<Long>> tunnel = backend.timeout(TimeoutKind.TUNNEL);
        Optional<Located<Long>> httpRequest = httpSide.timeout(TimeoutKind.HTTP_REQUEST);
        Step head = httpRequest.isPresent()
                ? step(Phase.REQUEST_HEAD, httpRequest.get(), "timeout http-request")
                : step(Phase.REQUEST_HEAD, client, "timeout client between reads (timeout http-request not set: "
                        + "no bound on the whole head)");
        Step connect = step(Phase.CONNECT, backend.timeout(TimeoutKind.CONNECT), "timeout connect");
        Step queue = backend.timeout(TimeoutKind.QUEUE)
                .map(v -> step(Phase.QUEUE, v, "timeout queue"))
                .orElseGet(() -> new Step(Phase.QUEUE, connect.ms(), "timeout connect (timeout queue not set)",
                        connect.location()));
        Step response = step(Phase.RESPONSE, server, "timeout server");
        Step keepAlive = httpSide.timeout(TimeoutKind.HTTP_KEEP_ALIVE)
                .map(v -> step(Phase.KEEP_ALIVE, v, "timeout http-keep-alive"))
                .orElseGet(() -> httpRequest.isPresent()
                        ? step(Phase.KEEP_ALIVE, httpRequest.get(), "timeout http-request (timeout http-keep-alive not set)")
                        : step(Phase.KEEP_ALIVE, client, "timeout client (neither timeout http-keep-alive nor "
                                + "timeout http-request set)"));
        Step tunnelStep = tunnel.isPresent()
                ? step(Phase.TUNNEL, tunnel.get(), "timeout tunnel")
                : tunnelWithoutTunnelTimeout(client, server);
        Step clientFin = fin(Phase.CLIENT_HALF_CLOSED, frontend.timeout(TimeoutKind.CLIENT_FIN), "timeout client-fin",
                tunnel.isPresent() ? tunnel : client, tunnel.isPresent() ? "timeout tunnel" : "timeout client");
        Step serverFin = fin(Phase.SERVER_HALF_CLOSED, backend.timeout(TimeoutKind.SERVER_FIN), "timeout server-fin",
                tunnel.isPresent() ? tunnel : server, tunnel.isPresent() ? "timeout tunnel" : "timeout server");
        return new TimeoutPlan(frontend, backend,
                List.of(head, queue, connect, response, keepAlive, tunnelStep, clientFin, serverFin));
    }

    public Step step(Phase phase) {
        return steps.stream().filter(s -> s.phase() == phase).findFirst().orElseThrow();
    }

    private static Step tunnelWithoutTunnelTimeout(Optional<Located<Long>> client, Optional<Located<Long>> server) {
        long c = client.map(Located::value).orElse(0L);
        long s = server.map(Located::value).orElse(0L);
        String rule = "timeout client " + Durations.format(c) + " on the client side and timeout server "
                + Durations.format(s) + " on the server side (timeout tunnel not set)";
        if (c == 0 && s == 0) {
            return new Step(Phase.TUNNEL, 0, rule, Location.NONE);
        }
        boolean clientFirst = s == 0 || (c != 0 && c <= s);
        Located<Long> first = clientFirst ? client.get() : server.get();
        return new Step(Phase.TUNNEL, first.value(), rule, first.location());
    }

    private static Step fin(Phase phase, Optional<Located<Long>> fin, String finRule, Optional<Located<Long>> base,
                            String baseRule) {
        if (fin.isPresent()) {
            return step(phase, fin.get(), finRule);
        }
        long b = base.map(Located::value).orElse(0L);
        long ms = b == 0 ? DEFAULT_FIN_MS : Math.min(b, DEFAULT_FIN_MS);
        String rule = "Ferry's default min(" + baseRule + " " + Durations.format(b) + ", 30s) (" + finRule + " not set)";
        return new Step(phase, ms, rule, base.map(Located::location).orElse(Location.NONE));
    }

    private static Step step(Phase phase, Located<Long> v, String rule) {
        return new Step(phase, v.value(), rule, v.location());
    }

    private static Step step(Phase phase, Optional<Located<Long>> v, String rule) {
        return v.map(x -> step(phase, x, rule))
                .orElseGet(() -> new Step(phase, 0, rule + " not set", Location.NONE));
    }
}
