package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.ferry.config.TimeoutKind;
import io.ferry.http.AclMatcher;
import io.ferry.http.RequestSample;
import io.ferry.log.AccessLog;
import io.ferry.net.ConnectionLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A frontend at run time: where its requests go ({@code use_backend} rules, then {@code
 * default_backend}), its counters and connection limit. Public for reading only (the runtime API).
 */
public final class Frontend {

    private record Route(Proxy.UseBackend rule, Backend backend) {
    }

    final Proxy model;
    /** What its options ask of connections after each transaction. */
    final ConnectionMode mode;
    /** Its rules, forwardfor and error pages. */
    final ProxyRules rules;
    private final List<Route> routes = new ArrayList<>();
    private final Backend defaultBackend;
    /** Its access log, null when it logs nowhere. */
    final AccessLog log;
    private final ConnectionLimit global;
    private final ConnectionLimit own;
    final ProxyCounters counters = new ProxyCounters();
    /** Its {@code http-request use-service} rules, in order (the only request rules run so far). */
    private final List<io.ferry.config.HttpRule> serviceRules = new ArrayList<>();
    private final Map<String, HttpService> services;
    /** The position of the proxy in the configuration, from 1 (HAProxy's {@code iid}). */
    private final int id;
    /** {@link #timeouts(Backend)} of each backend it can reach; not changed after construction. */
    private final Map<Backend, Timeouts> timeouts = new java.util.IdentityHashMap<>();
    /** {@link #tunnelTimeouts(Backend)} of each backend it can reach; not changed after construction. */
    private final Map<Backend, TunnelTimeouts> tunnelTimeouts = new java.util.IdentityHashMap<>();
    /** The client side's timeouts, with no backend chosen yet. */
    final Timeouts clientTimeouts;
    /** How long a half-closed client connection may stay inactive ({@code timeout client-fin}, or its default). */
    final long clientFin;

    Frontend(Proxy model, int id, Map<String, Backend> backends, AccessLog log, ConnectionLimit global,
             ConnectionLimit own, Map<String, HttpService> services) {
        this.model = model;
        this.mode = ConnectionMode.of(model);
        this.services = services;
        for (io.ferry.config.HttpRule r : model.httpRequestRules()) {
            if (r.action() instanceof io.ferry.config.HttpAction.UseService) {
                serviceRules.add(r);
            }
        }
        this.id = id;
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
        for (Backend b : reachable()) {
            timeouts.put(b, Timeouts.of(model, b.model));
            tunnelTimeouts.put(b, TunnelTimeouts.of(model, b.model));
        }
        clientTimeouts = Timeouts.of(model, model);
        long fin = Timeouts.of(model, TimeoutKind.CLIENT_FIN);
        clientFin = fin > 0 ? fin : TunnelTimeouts.defaultFin(clientTimeouts.client(), 0);
    }

    /**
     * The timeouts of a transaction of this frontend routed to {@code b}, made once per backend it
     * can reach rather than once per request.
     */
    Timeouts timeouts(Backend b) {
        Timeouts t = timeouts.get(b);
        return t != null ? t : Timeouts.of(model, b.model);
    }

    /** The timeouts of a tunnel of this frontend to {@code b}, made once per backend it can reach. */
    TunnelTimeouts tunnelTimeouts(Backend b) {
        TunnelTimeouts t = tunnelTimeouts.get(b);
        return t != null ? t : TunnelTimeouts.of(model, b.model);
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

    /** The service a {@code use-service} rule gives the request to, or null. */
    HttpService service(RequestSample sample) {
        for (io.ferry.config.HttpRule r : serviceRules) {
            if (AclMatcher.test(r.condition(), sample)) {
                return services.get(((io.ferry.config.HttpAction.UseService) r.action()).name());
            }
        }
        return null;
    }

    /** Fails when a {@code use-service} rule names a service no {@link FerryService} registered. */
    void checkServices() {
        for (io.ferry.config.HttpRule r : serviceRules) {
            String name = ((io.ferry.config.HttpAction.UseService) r.action()).name();
            if (!services.containsKey(name)) {
                throw new IllegalStateException(r.location() + ": 'http-request use-service " + name + "' (" + model
                        + "): no such service is available");
            }
        }
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

    public String name() {
        return model.name();
    }

    /** Its section in the configuration. */
    public Proxy model() {
        return model;
    }

    public int id() {
        return id;
    }

    public ProxyCounters counters() {
        return counters;
    }

    ConnectionLimit limit() {
        return own;
    }

    /** Its {@code maxconn} (the global one when it sets none), 0 for no limit. */
    public int maxconn() {
        return own.max();
    }
}
