package io.ferry.config.advisor;

import io.ferry.config.Acl;
import io.ferry.config.Config;
import io.ferry.config.Located;
import io.ferry.config.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which backends each frontend can send a request to, as the advisor and the explainer see it. */
final class Routing {

    private Routing() {
    }

    /** The backends {@code frontend} names in {@code use_backend} and {@code default_backend}, in that order. */
    static List<Proxy> backendsOf(Config config, Proxy frontend) {
        Set<String> names = new LinkedHashSet<>();
        frontend.useBackends().forEach(u -> names.add(u.backend()));
        if (frontend.defaultBackend() != null) {
            names.add(frontend.defaultBackend().value());
        }
        List<Proxy> out = new ArrayList<>();
        for (String n : names) {
            config.backend(n).ifPresent(out::add);
        }
        if (frontend.kind().isBackend() && !frontend.servers().isEmpty() && !out.contains(frontend)) {
            out.add(frontend);
        }
        return out;
    }

    /** The frontends that can route to {@code backend}. */
    static List<Proxy> frontendsOf(Config config, Proxy backend) {
        return config.frontends().stream().filter(f -> backendsOf(config, f).contains(backend)).toList();
    }

    /**
     * Whether {@code frontend} sends WebSocket upgrades to {@code backend}: a {@code use_backend} for it
     * whose condition looks at the {@code Upgrade} or {@code Connection} header or matches "websocket".
     */
    static boolean routesWebSocket(Proxy frontend, Proxy backend) {
        return frontend.useBackends().stream()
                .filter(u -> u.backend().equals(backend.name()) && u.condition() != null && !u.condition().unless())
                .flatMap(u -> u.condition().alternatives().stream())
                .flatMap(List::stream)
                .filter(t -> !t.negated())
                .flatMap(t -> t.definitions().stream())
                .anyMatch(Routing::looksAtUpgrade);
    }

    private static boolean looksAtUpgrade(Acl.Definition d) {
        String arg = d.fetch().argument().toLowerCase(Locale.ROOT);
        boolean header = d.fetch().name().startsWith("hdr") && (arg.equals("upgrade") || arg.equals("connection"));
        boolean websocket = d.patterns().stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).contains("websocket"));
        return header || websocket;
    }

    /**
     * The most connections {@code frontend} accepts at once: the smaller of its own {@code maxconn} and
     * the global one; null when neither is set.
     */
    static Located<Integer> maxconn(Config config, Proxy frontend) {
        Located<Integer> own = frontend.maxconn();
        Located<Integer> global = config.global().maxconn();
        if (own == null || own.value() <= 0) {
            return global == null || global.value() <= 0 ? null : global;
        }
        return global != null && global.value() > 0 && global.value() < own.value() ? global : own;
    }

    /** How {@link #maxconn} reads in a message: {@code maxconn 500 (global, haproxy.cfg:8)}. */
    static String describe(Config config, Located<Integer> maxconn) {
        boolean global = maxconn == config.global().maxconn();
        return "maxconn " + maxconn.value() + " (" + (global ? "global" : "frontend")
                + (maxconn.location().isKnown() ? ", " + maxconn.location() : "") + ")";
    }
}
