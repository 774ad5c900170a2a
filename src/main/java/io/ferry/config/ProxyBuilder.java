package io.ferry.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable state of one proxy section while it is parsed. Keyword parsers write its fields;
 * {@link #build()} freezes it into a {@link Proxy}. A new section starts as a copy of the
 * {@code defaults} it inherits from ({@link #inherit}), like HAProxy copies its defaults proxy.
 */
public final class ProxyBuilder {

    final String name;
    final SectionKind kind;
    final Location location;
    String defaultsName = "";

    Located<Mode> mode = Located.builtIn(Mode.TCP);
    final Map<TimeoutKind, Located<Long>> timeouts = new EnumMap<>(TimeoutKind.class);
    Located<Integer> maxconn;
    final List<Bind> binds = new ArrayList<>();
    final List<Server> servers = new ArrayList<>();
    ServerOptionsBuilder defaultServer = new ServerOptionsBuilder(ServerOptions.DEFAULTS);
    Located<String> defaultBackend;
    final List<Proxy.UseBackend> useBackends = new ArrayList<>();
    final Map<String, List<Acl.Definition>> acls = new LinkedHashMap<>();
    final List<HttpRule> httpRequestRules = new ArrayList<>();
    final List<HttpRule> httpResponseRules = new ArrayList<>();
    final Map<ProxyOption, Located<Boolean>> options = new EnumMap<>(ProxyOption.class);
    ForwardFor forwardFor;
    HealthCheck.HttpSend httpCheckSend = HealthCheck.HttpSend.DEFAULT;
    final List<HealthCheck.HttpExpect> httpExpects = new ArrayList<>();
    final List<HealthCheck.TcpStep> tcpSteps = new ArrayList<>();
    Balance balance = Balance.DEFAULT;
    Proxy.HttpReuse httpReuse = Proxy.HttpReuse.SAFE;
    int retries = 3;
    Location retriesLocation = Location.NONE;
    final Map<Integer, Located<byte[]>> errorFiles = new LinkedHashMap<>();
    final List<LogTarget> logs = new ArrayList<>();
    boolean logGlobal;
    LogFormat logFormat;
    final List<Capture> captures = new ArrayList<>();
    StatsSettings stats = StatsSettings.DISABLED;

    ProxyBuilder(String name, SectionKind kind, Location location) {
        this.name = name;
        this.kind = kind;
        this.location = location;
    }

    /** Copies what a proxy inherits from a {@code defaults} section (not binds, servers, ACLs or rules). */
    void inherit(ProxyBuilder d) {
        defaultsName = d.name;
        mode = d.mode;
        timeouts.putAll(d.timeouts);
        maxconn = d.maxconn;
        defaultServer = new ServerOptionsBuilder(d.defaultServer.build());
        defaultBackend = kind.isFrontend() || kind == SectionKind.DEFAULTS ? d.defaultBackend : null;
        options.putAll(d.options);
        forwardFor = d.forwardFor;
        httpCheckSend = d.httpCheckSend;
        httpExpects.addAll(d.httpExpects);
        tcpSteps.addAll(d.tcpSteps);
        balance = d.balance;
        httpReuse = d.httpReuse;
        retries = d.retries;
        retriesLocation = d.retriesLocation;
        errorFiles.putAll(d.errorFiles);
        logs.addAll(d.logs);
        logGlobal = d.logGlobal;
        logFormat = d.logFormat;
        stats = d.stats;
    }

    public String name() {
        return name;
    }

    public SectionKind kind() {
        return kind;
    }

    Proxy build() {
        HealthCheck.Kind checkKind = options.containsKey(ProxyOption.TCP_CHECK) && options.get(ProxyOption.TCP_CHECK).value()
                ? HealthCheck.Kind.TCP_SCRIPT
                : options.containsKey(ProxyOption.HTTPCHK) && options.get(ProxyOption.HTTPCHK).value()
                ? HealthCheck.Kind.HTTP : HealthCheck.Kind.CONNECT;
        Map<String, List<Acl.Definition>> frozenAcls = new LinkedHashMap<>();
        acls.forEach((k, v) -> frozenAcls.put(k, List.copyOf(v)));
        return new Proxy(name, kind, location, defaultsName, mode, copy(timeouts), maxconn, List.copyOf(binds),
                List.copyOf(servers), defaultBackend, List.copyOf(useBackends),
                java.util.Collections.unmodifiableMap(frozenAcls), List.copyOf(httpRequestRules),
                List.copyOf(httpResponseRules), copy(options), forwardFor,
                new HealthCheck(checkKind, httpCheckSend, List.copyOf(httpExpects), List.copyOf(tcpSteps)),
                balance, httpReuse, retries, retriesLocation, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errorFiles)),
                List.copyOf(logs), logGlobal, logFormat, List.copyOf(captures), stats);
    }

    private static <K extends Enum<K>, V> Map<K, V> copy(Map<K, V> m) {
        return java.util.Collections.unmodifiableMap(m.isEmpty() ? Map.of() : new EnumMap<>(m));
    }
}
