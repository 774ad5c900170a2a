package io.ferry.config.advisor;

import io.ferry.config.Config;
import io.ferry.config.Located;
import io.ferry.config.Proxy;
import java.util.List;

/**
 * {@code ferry -c --explain}: for each frontend and each backend it routes to, the timeline of a
 * connection — which timeout rules each phase and its value, with the line that set it.
 *
 * <pre>
 * frontend all (haproxy.cfg:15), mode http, maxconn 500 (global, haproxy.cfg:8)
 *   to backend nginx (default_backend)
 *     request head        no limit   timeout client between reads (timeout http-request not set: ...)
 *     ...
 * </pre>
 */
public final class Explainer {

    private Explainer() {
    }

    public static String explain(Config config) {
        StringBuilder sb = new StringBuilder();
        for (Proxy f : config.frontends()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            Located<Integer> maxconn = Routing.maxconn(config, f);
            sb.append(f).append(" (").append(f.location()).append("), mode ")
                    .append(f.mode().value().name().toLowerCase(java.util.Locale.ROOT)).append(", ")
                    .append(maxconn == null ? "no maxconn" : Routing.describe(config, maxconn)).append('\n');
            List<Proxy> backends = Routing.backendsOf(config, f);
            if (backends.isEmpty()) {
                sb.append("  routes nowhere: no default_backend and no use_backend\n");
            }
            for (Proxy b : backends) {
                sb.append("  to ").append(b == f ? "its own servers" : b.toString()).append(" (")
                        .append(how(f, b)).append(")\n");
                for (TimeoutPlan.Step s : TimeoutPlan.of(f, b).steps()) {
                    sb.append(String.format("    %-20s %-9s %s%s%n", s.phase().label(), Durations.format(s.ms()),
                            s.rule(), s.location().isKnown() ? " [" + s.location() + "]" : ""));
                }
            }
        }
        return sb.toString();
    }

    private static String how(Proxy f, Proxy b) {
        if (b == f) {
            return "listen section";
        }
        StringBuilder sb = new StringBuilder();
        f.useBackends().stream().filter(u -> u.backend().equals(b.name())).findFirst()
                .ifPresent(u -> sb.append("use_backend, ").append(u.location()));
        if (f.defaultBackend() != null && f.defaultBackend().value().equals(b.name())) {
            sb.append(sb.length() > 0 ? "; " : "").append("default_backend, ").append(f.defaultBackend().location());
        }
        if (Routing.routesWebSocket(f, b)) {
            sb.append("; WebSocket upgrades");
        }
        return sb.toString();
    }
}
