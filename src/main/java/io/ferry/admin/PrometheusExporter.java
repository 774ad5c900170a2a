package io.ferry.admin;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerState;
import io.ferry.config.Mode;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.Frontend;
import io.ferry.proxy.HttpService;
import io.ferry.proxy.ProxyCounters;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code http-request use-service prometheus-exporter}: the counters of {@code show stat} as
 * Prometheus metrics with the names of HAProxy's exporter ({@code haproxy_process_*}, {@code
 * haproxy_frontend_*}, {@code haproxy_backend_*}, {@code haproxy_server_*}), plus Ferry's streams by
 * connection state ({@code ferry_frontend_connections}, {@code ferry_backend_connections}). Written
 * by the Prometheus Java client in the format the scraper's {@code Accept} header asks for (text,
 * OpenMetrics or protobuf). Only metrics Ferry counts are exported: no rates, timings or caches.
 */
final class PrometheusExporter implements HttpService {

    private static final String[] CODES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    private static final String[] SERVER_STATES = {"DOWN", "UP", "MAINT", "DRAIN", "NOLB"};

    private final Ferry ferry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    PrometheusExporter(Ferry ferry) {
        this.ferry = ferry;
    }

    @Override
    public String logName() {
        return "<PROMEX>";
    }

    @Override
    public FullHttpResponse answer(HttpRequest request) {
        ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
        FullHttpResponse r = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.buffer());
        try (ByteBufOutputStream out = new ByteBufOutputStream(r.content())) {
            writer.write(out, collect());
        } catch (IOException | RuntimeException e) {
            r.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }

    /** One metric family being filled: a gauge or a counter, with a data point per label set. */
    private static final class Family {
        final String name;
        final String help;
        final boolean counter;
        final Map<Labels, Double> points = new LinkedHashMap<>();

        Family(String name, String help, boolean counter) {
            this.name = name;
            this.help = help;
            this.counter = counter;
        }

        MetricSnapshot snapshot() {
            if (counter) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                points.forEach((l, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(l).value(v).build()));
                return b.build();
            }
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            points.forEach((l, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(l).value(v).build()));
            return b.build();
        }
    }

    private final class Families {
        private final Map<String, Family> byName = new LinkedHashMap<>();

        /** Adds a point; a counter's name is given without {@code _total}, which the writer appends. */
        void add(String name, String help, boolean counter, Labels labels, double value) {
            byName.computeIfAbsent(name, n -> new Family(n, help, counter)).points.put(labels, value);
        }

        MetricSnapshots build() {
            List<MetricSnapshot> out = new ArrayList<>();
            for (Family f : byName.values()) {
                out.add(f.snapshot());
            }
            return new MetricSnapshots(out);
        }
    }

    /** The counters shared by frontends, backends and servers, with HAProxy's names and help. */
    private static final List<Common> COMMON = List.of(
            new Common("current_sessions", "Number of current sessions on the frontend, backend or server", false,
                    ProxyCounters::current),
            new Common("max_sessions", "Highest value of current sessions encountered since process started", false,
                    ProxyCounters::max),
            new Common("sessions", "Total number of sessions since process started", true, ProxyCounters::total),
            new Common("bytes_in", "Total number of request bytes since process started", true,
                    ProxyCounters::bytesIn),
            new Common("bytes_out", "Total number of response bytes since process started", true,
                    ProxyCounters::bytesOut));

    /** The error and retry counters of backends and servers. */
    private static final List<Common> UPSTREAM = List.of(
            new Common("connection_errors", "Total number of failed connections to server since the worker process "
                    + "started", true, ProxyCounters::connectionErrors),
            new Common("response_errors", "Total number of invalid responses since the worker process started", true,
                    ProxyCounters::responseErrors),
            new Common("retry_warnings", "Total number of server connection retries since the worker process started",
                    true, ProxyCounters::retries),
            new Common("redispatch_warnings", "Total number of server redispatches due to connection failures since "
                    + "the worker process started", true, ProxyCounters::redispatches),
            new Common("client_aborts", "Total number of requests or connections aborted by the client since the "
                    + "worker process started", true, ProxyCounters::clientAborts),
            new Common("server_aborts", "Total number of requests or connections aborted by the server since the "
                    + "worker process started", true, ProxyCounters::serverAborts),
            new Common("loadbalanced", "Total number of requests routed by load balancing since the worker process "
                    + "started", true, ProxyCounters::selected));

    private record Common(String suffix, String help, boolean counter, ToDoubleFunction<ProxyCounters> value) {
    }

    MetricSnapshots collect() {
        Families f = new Families();
        process(f);
        for (Frontend fe : ferry.frontends()) {
            Labels l = Labels.of("proxy", fe.name());
            ProxyCounters c = fe.counters();
            common(f, "haproxy_frontend_", l, c, COMMON);
            if (fe.maxconn() > 0) {
                f.add("haproxy_frontend_limit_sessions", "Frontend/listener/server's maxconn, backend's fullconn",
                        false, l, fe.maxconn());
            }
            f.add("haproxy_frontend_request_errors", "Total number of invalid requests since process started", true, l,
                    c.requestErrors());
            f.add("haproxy_frontend_requests_denied", "Total number of denied requests since process started", true, l,
                    0);
            status(f, "haproxy_frontend_status", l, new String[] {"DOWN", "UP"}, "UP");
            http(f, "haproxy_frontend_", l, c, fe.model().mode().value() == Mode.HTTP);
            states(f, "ferry_frontend_connections", l, c);
        }
        for (Backend be : ferry.backends()) {
            backend(f, be);
        }
        return f.build();
    }

    private void process(Families f) {
        long current = 0;
        long requests = 0;
        for (Frontend fe : ferry.frontends()) {
            current += fe.counters().current();
            requests += fe.counters().requests();
        }
        long uptime = (System.currentTimeMillis() - ferry.startMillis()) / 1000;
        f.add("haproxy_process_nbthread", "Number of started threads (global.nbthread)", false, Labels.EMPTY,
                ferry.threads());
        f.add("haproxy_process_uptime_seconds", "How long ago this worker process was started (seconds)", false,
                Labels.EMPTY, uptime);
        f.add("haproxy_process_start_time_seconds", "Start time in seconds", false, Labels.EMPTY,
                ferry.startMillis() / 1000);
        f.add("haproxy_process_max_connections", "Limit on the number of per-process connections (0: none)", false,
                Labels.EMPTY, ferry.maxconn());
        f.add("haproxy_process_current_connections", "Current number of connections on this worker process", false,
                Labels.EMPTY, current);
        f.add("haproxy_process_connections", "Total number of connections on this worker process since started", true,
                Labels.EMPTY, ferry.acceptedConnections());
        f.add("haproxy_process_requests", "Total number of requests on this worker process since started", true,
                Labels.EMPTY, requests);
        f.add("haproxy_process_listeners", "Current number of active listeners on the current worker process", false,
                Labels.EMPTY, ferry.listenerCount());
        f.add("haproxy_process_dropped_logs", "Total number of dropped logs for current worker process since started",
                true, Labels.EMPTY, ferry.droppedLogMessages());
    }

    private void backend(Families f, Backend be) {
        Labels l = Labels.of("proxy", be.name());
        ProxyCounters c = be.counters();
        boolean http = be.model().mode().value() == Mode.HTTP;
        common(f, "haproxy_backend_", l, c, COMMON);
        common(f, "haproxy_backend_", l, c, UPSTREAM);
        f.add("haproxy_backend_current_queue", "Number of current queued connections", false, l, be.queued());
        f.add("haproxy_backend_max_queue", "Highest value of queued connections encountered since process started",
                false, l, be.queueMax());
        f.add("haproxy_backend_requests_denied", "Total number of denied requests since process started", true, l, 0);
        UsableServers u = UsableServers.of(be);
        f.add("haproxy_backend_active_servers", "Total number of active UP servers with a non-zero weight", false, l,
                u.active());
        f.add("haproxy_backend_backup_servers", "Total number of backup UP servers with a non-zero weight", false, l,
                u.backup());
        f.add("haproxy_backend_weight", "Server's effective weight, or sum of active servers' effective weights for "
                + "a backend", false, l, u.weight());
        status(f, "haproxy_backend_status", l, new String[] {"DOWN", "UP"}, u.status());
        http(f, "haproxy_backend_", l, c, http);
        states(f, "ferry_backend_connections", l, c);
        for (BackendServer s : be.servers()) {
            server(f, be, s, http);
        }
    }

    private void server(Families f, Backend be, BackendServer s, boolean http) {
        Labels l = Labels.of("proxy", be.name(), "server", s.name());
        ProxyCounters c = be.counters(s);
        common(f, "haproxy_server_", l, c, COMMON);
        common(f, "haproxy_server_", l, c, UPSTREAM);
        if (s.maxconn() > 0) {
            f.add("haproxy_server_limit_sessions", "Frontend/listener/server's maxconn, backend's fullconn", false, l,
                    s.maxconn());
        }
        f.add("haproxy_server_weight", "Server's effective weight, or sum of active servers' effective weights for a "
                + "backend", false, l, s.currentWeight());
        ServerState st = s.state();
        String state = st.admin() == ServerState.Admin.MAINT ? "MAINT"
                : st.operational() == ServerState.Operational.DOWN ? "DOWN"
                : st.admin() == ServerState.Admin.DRAIN ? "DRAIN"
                : st.operational() == ServerState.Operational.NOLB ? "NOLB" : "UP";
        status(f, "haproxy_server_status", l, SERVER_STATES, state);
        f.add("haproxy_server_check_last_change_seconds", "How long ago the last server state changed, in seconds",
                false, l, st.lastChangeSeconds());
        if (st.checked()) {
            f.add("haproxy_server_check_failures", "Total number of failed individual health checks per "
                    + "server/backend, since the worker process started", true, l, st.failedChecks());
            f.add("haproxy_server_check_up_down", "Total number of failed checks causing UP to DOWN server "
                    + "transitions, per server/backend, since the worker process started", true, l,
                    st.downTransitions());
            f.add("haproxy_server_downtime_seconds", "Total time spent in DOWN state, for server or backend", true, l,
                    st.downtimeSeconds());
        }
        if (http) {
            responses(f, "haproxy_server_", l, c);
        }
    }

    private static void common(Families f, String prefix, Labels l, ProxyCounters c, List<Common> list) {
        for (Common m : list) {
            f.add(prefix + m.suffix, m.help, m.counter, l, m.value.applyAsDouble(c));
        }
    }

    /** HAProxy's status gauges: one point per state, 1 for the current one. */
    private static void status(Families f, String name, Labels l, String[] states, String current) {
        for (String s : states) {
            f.add(name, "Current status of the service, per state label value.", false, l.add("state", s),
                    s.equals(current) ? 1 : 0);
        }
    }

    private static void http(Families f, String prefix, Labels l, ProxyCounters c, boolean http) {
        if (!http) {
            return;
        }
        f.add(prefix + "http_requests", "Total number of HTTP requests processed by this object since the worker "
                + "process started", true, l, c.requests());
        responses(f, prefix, l, c);
    }

    private static void responses(Families f, String prefix, Labels l, ProxyCounters c) {
        for (int cls = 1; cls <= 6; cls++) {
            f.add(prefix + "http_responses", "Total number of HTTP responses by status class returned by this object "
                    + "since the worker process started", true, l.add("code", CODES[cls - 1]), c.responses(cls));
        }
    }

    /** Ferry's own: the streams in each connection state now. */
    private static void states(Families f, String name, Labels l, ProxyCounters c) {
        for (ProxyCounters.ConnState s : ProxyCounters.ConnState.values()) {
            f.add(name, "Streams now in each connection state (established, queued, tunnel, half-closed towards "
                    + "the client or the server)", false, l.add("state", s.word()), c.inState(s));
        }
    }
}
