package io.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code defaults}, {@code frontend}, {@code backend} or {@code listen} section after parsing,
 * with everything it inherited from its {@code defaults} already applied. Immutable.
 *
 * <p>{@code logFormat} is the format of access-log lines, set by {@code option httplog},
 * {@code option tcplog} or {@code log-format} (the last one written wins), null when none was.
 * {@code disabled} proxies are parsed and checked but not started. {@code description} is empty
 * when unset.
 *
 * <p>A {@code listen} section is both a frontend and a backend; {@link #kind()} tells which roles
 * a proxy plays via {@link SectionKind#isFrontend()} and {@link SectionKind#isBackend()}.
 */
public record Proxy(
        String name,
        SectionKind kind,
        Location location,
        String defaultsName,
        Located<Mode> mode,
        Map<TimeoutKind, Located<Long>> timeouts,
        Located<Integer> maxconn,
        List<Bind> binds,
        List<Server> servers,
        Located<String> defaultBackend,
        List<UseBackend> useBackends,
        Map<String, List<Acl.Definition>> acls,
        List<HttpRule> httpRequestRules,
        List<HttpRule> httpResponseRules,
        Map<ProxyOption, Located<Boolean>> options,
        ForwardFor forwardFor,
        HealthCheck healthCheck,
        Balance balance,
        HttpReuse httpReuse,
        int retries,
        Location retriesLocation,
        Map<Integer, Located<byte[]>> errorFiles,
        List<LogTarget> logs,
        boolean logGlobal,
        LogFormat logFormat,
        List<Capture> captures,
        StatsSettings stats,
        boolean disabled,
        String description) {

    /** {@code http-reuse}. */
    public enum HttpReuse { NEVER, SAFE, AGGRESSIVE, ALWAYS }

    /** {@code use_backend NAME [if|unless COND]}. */
    public record UseBackend(String backend, Acl.Condition condition, Location location) {
    }

    /** The timeout as configured (or inherited), if any; 0 is never stored. */
    public Optional<Located<Long>> timeout(TimeoutKind kind) {
        return Optional.ofNullable(timeouts.get(kind));
    }

    /**
     * Whether it serves the stats page: any {@code stats} keyword, in {@code mode http} (in
     * {@code mode tcp} the lines are ignored with HAProxy's warning).
     */
    public boolean servesStatsPage() {
        return stats.enabled() && mode.value() == Mode.HTTP;
    }

    /** Whether an on/off option is set (explicitly or from defaults). */
    public boolean option(ProxyOption option) {
        Located<Boolean> v = options.get(option);
        return v != null && v.value();
    }

    /**
     * The HTTP connection mode: {@link ProxyOption#HTTPCLOSE}, {@link ProxyOption#HTTP_SERVER_CLOSE},
     * or {@link ProxyOption#HTTP_KEEP_ALIVE} when neither is set (HAProxy's default).
     */
    public ProxyOption httpMode() {
        if (option(ProxyOption.HTTPCLOSE)) {
            return ProxyOption.HTTPCLOSE;
        }
        return option(ProxyOption.HTTP_SERVER_CLOSE) ? ProxyOption.HTTP_SERVER_CLOSE : ProxyOption.HTTP_KEEP_ALIVE;
    }

    @Override
    public String toString() {
        return name.isEmpty() ? kind.keyword() : kind.keyword() + " " + name;
    }
}
