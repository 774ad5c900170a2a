package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.ferry.http.AclMatcher;
import io.ferry.http.RequestSample;
import io.ferry.log.AccessLog;
import io.ferry.net.ConnectionLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A frontend at run time: where its requests go ({@code use_backend} rules, then {@code default_backend}). */
final class Frontend {

    private record Route(Proxy.UseBackend rule, Backend backend) {
    }

    final Proxy model;
    /** Its rules, forwardfor and error pages. */
    final ProxyRules rules;
    private final List<Route> routes = new ArrayList<>();
    private final Backend defaultBackend;
    /** Its access log, null when it logs nowhere. */
    final AccessLog log;
    private final ConnectionLimit global;
    private final ConnectionLimit own;

    Frontend(Proxy model, Map<String, Backend> backends, AccessLog log, ConnectionLimit global, ConnectionLimit own) {
        this.model = model;
        this.rules = ProxyRules.of(model);
        this.log = log;
        this.global = global;
        this.own = own;
        for (Proxy.UseBackend u : model.useBackends()) {
            routes.add(new Route(u, backends.get(u.backend())));
        }
        if (model.defaultBackend() != null) {
            defaultBackend = backends.get(model.defaultBackend().value());
        } else if (model.kind().isBackend()) {
            defaultBackend = backends.get(model.name());
        } else {
            defaultBackend = null;
        }
    }

    /** The backend for a request, or null when no rule matches and there is no default (503). */
    Backend route(RequestSample sample) {
        for (Route r : routes) {
            if (AclMatcher.test(r.rule().condition(), sample)) {
                return r.backend();
            }
        }
        return defaultBackend;
    }

    /** Every backend a request can be routed to: those of the rules, then the default, each once. */
    List<Backend> reachable() {
        List<Backend> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.backend() != null && !out.contains(r.backend())) {
                out.add(r.backend());
            }
        }
        if (defaultBackend != null && !out.contains(defaultBackend)) {
            out.add(defaultBackend);
        }
        return out;
    }

    /** The backend when no rule applies: {@code default_backend}, or the section itself for {@code listen}. */
    Backend defaultBackend() {
        return defaultBackend;
    }

    /** Client connections of the whole process now (the log's {@code actconn}). */
    int globalConnections() {
        return global.current();
    }

    /** Client connections of this frontend now ({@code feconn}). */
    int connections() {
        return own.current();
    }

    String name() {
        return model.name();
    }
}
