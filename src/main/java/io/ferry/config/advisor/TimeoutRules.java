package io.ferry.config.advisor;

import io.ferry.config.Config;
import io.ferry.config.Located;
import io.ferry.config.Location;
import io.ferry.config.Mode;
import io.ferry.config.Proxy;
import io.ferry.config.TimeoutKind;
import java.util.List;
import java.util.Optional;

/** Timeouts that are too long, missing, or set where they have no effect. */
final class TimeoutRules implements Advisor.Rule {

    /** Beyond this, an idle or vanished peer holds its slot long enough to matter. */
    static final long LONG_MS = 3_600_000L;

    @Override
    public void check(Config config, MachineFacts machine, List<Finding> out) {
        for (Proxy f : config.frontends()) {
            if (f.binds().isEmpty()) {
                continue;
            }
            longClientTimeout(config, f, out);
            missing(f, TimeoutKind.CLIENT, "30s", "an idle or vanished client holds its connection with no time "
                    + "limit", out);
            slowloris(config, f, out);
        }
        for (Proxy b : config.backends()) {
            if (b.servers().isEmpty()) {
                continue;
            }
            longServerTimeout(config, b, out);
            longTunnelTimeout(config, b, out);
            missing(b, TimeoutKind.SERVER, "30s", "a server that stops answering holds the client waiting with no "
                    + "time limit", out);
            missing(b, TimeoutKind.CONNECT, "5s", "a connection attempt to a server that does not answer waits "
                    + "with no time limit (until the kernel gives up)", out);
            webSocketWithoutTunnel(config, b, out);
            misplaced(config, b, out);
        }
    }

    /** Rule 1, client side: {@code timeout client} over an hour without {@code timeout client-fin}. */
    private static void longClientTimeout(Config config, Proxy f, List<Finding> out) {
        Optional<Located<Long>> client = f.timeout(TimeoutKind.CLIENT);
        if (client.isEmpty() || client.get().value() <= LONG_MS || f.timeout(TimeoutKind.CLIENT_FIN).isPresent()) {
            return;
        }
        long ms = client.get().value();
        StringBuilder msg = new StringBuilder("timeout client " + Durations.format(ms)
                + " and no timeout client-fin: a client that vanishes holds its connection for "
                + Durations.format(ms));
        fillRate(config, f, ms, "client", msg);
        msg.append(". Ferry reaps half-closed client connections after min(timeout client, 30s) = 30s when "
                + "timeout client-fin is not set; HAProxy waits the whole " + Durations.format(ms));
        boolean ws = Routing.backendsOf(config, f).stream().anyMatch(b -> Routing.routesWebSocket(f, b)
                && b.timeout(TimeoutKind.TUNNEL).isEmpty());
        out.add(new Finding(Finding.Severity.WARNING, client.get().location(), f.toString(), msg.toString(),
                "timeout client-fin 30s" + (ws ? " (and timeout tunnel 1h in the WebSocket backend)" : "")
                        , "long-timeout"));
    }

    /** Rule 1, server side: {@code timeout server} over an hour without {@code timeout server-fin}. */
    private static void longServerTimeout(Config config, Proxy b, List<Finding> out) {
        Optional<Located<Long>> server = b.timeout(TimeoutKind.SERVER);
        if (server.isEmpty() || server.get().value() <= LONG_MS || b.timeout(TimeoutKind.SERVER_FIN).isPresent()) {
            return;
        }
        long ms = server.get().value();
        StringBuilder msg = new StringBuilder("timeout server " + Durations.format(ms)
                + " and no timeout server-fin: a server that stops answering holds the stream for "
                + Durations.format(ms));
        for (Proxy f : Routing.frontendsOf(config, b)) {
            fillRate(config, f, ms, "server", msg);
            break;
        }
        msg.append(". Ferry reaps half-closed server connections after 30s when timeout server-fin is not set");
        out.add(new Finding(Finding.Severity.WARNING, server.get().location(), b.toString(), msg.toString(),
                "timeout server-fin 30s", "long-timeout"));
    }

    /** Rule 1, tunnels: {@code timeout tunnel} over an hour while a side has no fin timeout. */
    private static void longTunnelTimeout(Config config, Proxy b, List<Finding> out) {
        Optional<Located<Long>> tunnel = b.timeout(TimeoutKind.TUNNEL);
        if (tunnel.isEmpty() || tunnel.get().value() <= LONG_MS) {
            return;
        }
        List<Proxy> noClientFin = Routing.frontendsOf(config, b).stream()
                .filter(f -> f.timeout(TimeoutKind.CLIENT_FIN).isEmpty()).toList();
        boolean noServerFin = b.timeout(TimeoutKind.SERVER_FIN).isEmpty();
        if (noClientFin.isEmpty() && !noServerFin) {
            return;
        }
        long ms = tunnel.get().value();
        StringBuilder msg = new StringBuilder("timeout tunnel " + Durations.format(ms) + " and no "
                + (noClientFin.isEmpty() ? "timeout server-fin" : "timeout client-fin")
                + ": a tunnel whose peer vanished after closing its half holds both connections for "
                + Durations.format(ms));
        if (!noClientFin.isEmpty()) {
            fillRate(config, noClientFin.get(0), ms, "tunnel", msg);
        }
        msg.append(". Ferry reaps half-closed tunnels after 30s when the fin timeouts are not set");
        out.add(new Finding(Finding.Severity.WARNING, tunnel.get().location(), b.toString(), msg.toString(),
                noClientFin.isEmpty() ? "timeout server-fin 30s"
                        : "timeout client-fin 30s (in " + noClientFin.get(0) + ")", "long-timeout"));
    }

    /** "With maxconn 500 (...), one vanished client every 24h/500 ≈ 2.9 min is enough to fill the frontend". */
    private static void fillRate(Config config, Proxy f, long ms, String side, StringBuilder msg) {
        Located<Integer> maxconn = Routing.maxconn(config, f);
        if (maxconn == null) {
            return;
        }
        int n = maxconn.value();
        String peer = side.equals("server") ? "stalled server connection" : "vanished client";
        msg.append(". With ").append(Routing.describe(config, maxconn)).append(", one ").append(peer)
                .append(" every ").append(Durations.format(ms)).append('/').append(n).append(" ≈ ")
                .append(Durations.approximate(ms / n)).append(" is enough to keep ").append(f).append(" full");
    }

    /** Rule 2: a timeout HAProxy also warns about when it is missing. */
    private static void missing(Proxy p, TimeoutKind kind, String value, String effect, List<Finding> out) {
        if (p.timeout(kind).isPresent()) {
            return;
        }
        out.add(new Finding(Finding.Severity.WARNING, p.location(), p.toString(), "no timeout " + kind.word() + ": "
                + effect + " (HAProxy warns about it too)", "timeout " + kind.word() + " " + value, "missing-timeout"));
    }

    /** Rule 2: an HTTP frontend without {@code timeout http-request}. */
    private static void slowloris(Config config, Proxy f, List<Finding> out) {
        if (f.mode().value() != Mode.HTTP || f.timeout(TimeoutKind.HTTP_REQUEST).isPresent()) {
            return;
        }
        String between = f.timeout(TimeoutKind.CLIENT).map(c -> Durations.format(c.value())).orElse("no limit");
        StringBuilder msg = new StringBuilder("no timeout http-request: a client may send its request head one "
                + "byte at a time, waiting up to timeout client (" + between + ") between bytes, and hold its "
                + "connection for as long as it likes");
        Located<Integer> maxconn = Routing.maxconn(config, f);
        if (maxconn != null) {
            msg.append("; ").append(maxconn.value()).append(" such clients take all of ")
                    .append(Routing.describe(config, maxconn));
        }
        out.add(new Finding(Finding.Severity.WARNING, f.location(), f.toString(), msg.toString(),
                "timeout http-request 10s", "slowloris"));
    }

    /** Rule 2: WebSocket upgrades routed to a backend without {@code timeout tunnel}. */
    private static void webSocketWithoutTunnel(Config config, Proxy b, List<Finding> out) {
        if (b.timeout(TimeoutKind.TUNNEL).isPresent()) {
            return;
        }
        for (Proxy f : Routing.frontendsOf(config, b)) {
            if (!Routing.routesWebSocket(f, b)) {
                continue;
            }
            TimeoutPlan.Step tunnel = TimeoutPlan.of(f, b).step(TimeoutPlan.Phase.TUNNEL);
            String effect = tunnel.ms() == 0 ? "an idle WebSocket is never closed, even when its client has vanished"
                    : "an idle WebSocket is closed after " + Durations.format(tunnel.ms()) + " of silence";
            out.add(new Finding(Finding.Severity.WARNING, b.location(), b.toString(), f + " routes WebSocket "
                    + "upgrades here and there is no timeout tunnel: after the 101 response the client and server "
                    + "timeouts still apply (" + tunnel.rule() + "), so " + effect, "timeout tunnel 1h",
                    "websocket-tunnel"));
            return;
        }
    }

    /**
     * {@code timeout http-request} and {@code http-keep-alive} written in a backend have no effect when
     * every frontend routing there is in HTTP mode: they are taken from the frontend.
     */
    private static void misplaced(Config config, Proxy b, List<Finding> out) {
        if (b.kind().isFrontend()) {
            return;
        }
        List<Proxy> frontends = Routing.frontendsOf(config, b);
        if (frontends.isEmpty() || frontends.stream().anyMatch(f -> f.mode().value() != Mode.HTTP)) {
            return;
        }
        for (TimeoutKind kind : List.of(TimeoutKind.HTTP_REQUEST, TimeoutKind.HTTP_KEEP_ALIVE)) {
            Optional<Located<Long>> t = b.timeout(kind);
            if (t.isEmpty() || !writtenIn(config, b, t.get().location())) {
                continue;
            }
            Proxy f = frontends.get(0);
            TimeoutPlan.Step applied = TimeoutPlan.of(f, b).step(kind == TimeoutKind.HTTP_REQUEST
                    ? TimeoutPlan.Phase.REQUEST_HEAD : TimeoutPlan.Phase.KEEP_ALIVE);
            out.add(new Finding(Finding.Severity.NOTICE, t.get().location(), b.toString(), "timeout " + kind.word()
                    + " in a backend has no effect behind an HTTP frontend: it is taken from the frontend; "
                    + f + " applies " + applied.rule() + " = " + Durations.format(applied.ms()),
                    "move 'timeout " + kind.word() + " " + Durations.format(t.get().value()) + "' to " + f,
                    "misplaced-timeout"));
        }
    }

    /** Whether {@code at} lies inside {@code p}'s own section (not in the defaults it inherited from). */
    private static boolean writtenIn(Config config, Proxy p, Location at) {
        if (!at.file().equals(p.location().file()) || at.line() <= p.location().line()) {
            return false;
        }
        int next = Integer.MAX_VALUE;
        for (Proxy other : config.proxies()) {
            Location l = other.location();
            if (l.file().equals(at.file()) && l.line() > p.location().line()) {
                next = Math.min(next, l.line());
            }
        }
        for (Proxy d : config.defaults().values()) {
            Location l = d.location();
            if (l.file().equals(at.file()) && l.line() > p.location().line()) {
                next = Math.min(next, l.line());
            }
        }
        return at.line() < next;
    }
}
