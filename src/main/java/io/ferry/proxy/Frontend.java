package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.ferry.http.AclMatcher;
import io.ferry.http.RequestSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A frontend at run time: where its requests go ({@code use_backend} rules, then {@code default_backend}). */
final class Frontend {

    private record Route(Proxy.UseBackend rule, Backend backend) {
    }

    final Proxy model;
    private final List<Route> routes = new ArrayList<>();
    private final Backend defaultBackend;

    Frontend(Proxy model, Map<String, Backend> backends) {
        this.model = model;
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

    /** The backend when no rule applies: {@code default_backend}, or the section itself for {@code listen}. */
    Backend defaultBackend() {
        return defaultBackend;
    }

    String name() {
        return model.name();
    }
}
