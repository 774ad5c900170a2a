package io.ferry.proxy;

import io.ferry.balance.HealthChecks;
import io.ferry.config.Address;
import io.ferry.config.Balance;
import io.ferry.config.Bind;
import io.ferry.config.Config;
import io.ferry.config.GlobalSettings;
import io.ferry.config.HealthCheck;
import io.ferry.config.HttpAction;
import io.ferry.config.HttpRule;
import io.ferry.config.LogFormat;
import io.ferry.config.Location;
import io.ferry.config.LogTarget;
import io.ferry.config.Mode;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.config.Server;
import io.ferry.config.ServerOptions;
import io.ferry.config.TimeoutKind;
import io.ferry.http.SampleFormat;
import io.ferry.net.Transport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that knows what the configuration language can say and the runtime cannot do yet.
 * {@link Ferry#start} refuses such a configuration, naming each use, rather than ignoring it; this
 * list shrinks as features land (and {@code docs/proxying.md} lists it for users).
 */
final class RuntimeSupport {

    private static final Set<ProxyOption> NOT_IMPLEMENTED_OPTIONS = Set.of();

    private record Problem(Location location, String message) {
    }

    private final List<Problem> problems = new ArrayList<>();
    private final Transport transport;

    private RuntimeSupport(Transport transport) {
        this.transport = transport;
    }

    /** Every unimplemented feature {@code config} uses, one message each; empty when it can run. */
    static List<String> problems(Config config, Transport transport) {
        RuntimeSupport r = new RuntimeSupport(transport);
        r.global(config.global());
        for (Proxy p : config.proxies()) {
            r.proxy(p);
        }
        // In the order of the configuration; problems without a line (global settings) first.
        return r.problems.stream()
                .sorted(Comparator.comparing((Problem p) -> p.location().file())
                        .thenComparingInt(p -> p.location().line()))
                .map(Problem::message).toList();
    }

    /**
     * The transport a process started with {@code config} runs on: io_uring where the kernel offers
     * it, unless the configuration says {@code noiouring} or inherits a listening socket
     * ({@code fd@}, which only epoll can take over); else epoll, else NIO. It is chosen at start
     * and kept across reloads.
     */
    static Transport transportFor(Config config) {
        return Transport.select(!config.global().noIoUring() && !inheritsSockets(config));
    }

    private static boolean inheritsSockets(Config config) {
        for (GlobalSettings.StatsSocket s : config.global().statsSockets()) {
            if (s.address().kind() == Address.Kind.FD) {
                return true;
            }
        }
        for (Proxy p : config.frontends()) {
            for (Bind b : p.binds()) {
                if (b.address().kind() == Address.Kind.FD) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Throws {@link NotImplementedException} when the configuration uses something not implemented. */
    static void check(Config config, Transport transport) {
        List<String> p = problems(config, transport);
        if (!p.isEmpty()) {
            throw new NotImplementedException(p);
        }
    }

    private void global(GlobalSettings g) {
        for (LogTarget l : g.logs()) {
            logTarget(l, "global");
        }
        for (GlobalSettings.StatsSocket s : g.statsSockets()) {
            if (s.address().kind() == Address.Kind.FD && !transport.supportsInheritedSockets()) {
                refuse(s.location(), "stats socket " + s.address(), "global", inheritedWithout());
            } else if (s.address().kind() == Address.Kind.UNIX && !transport.supportsUnixSockets()) {
                refuse(s.location(), "stats socket " + s.address(), "global", "unix stream sockets without a native "
                        + "transport (listen on an ADDRESS:PORT)");
            }
        }
    }

    private void proxy(Proxy p) {
        String where = p.toString();
        boolean tcp = p.mode().value() == Mode.TCP;
        if (tcp && p.kind().isFrontend()) {
            for (Proxy.UseBackend u : p.useBackends()) {
                refuse(u.location(), "use_backend", where, "layer-4 routing rules in mode tcp (use default_backend)");
            }
        }
        // use-service rules run when they are a frontend's only request rules (before routing).
        boolean onlyServices = p.kind().isFrontend() && !tcp
                && p.httpRequestRules().stream().allMatch(r -> r.action() instanceof HttpAction.UseService);
        for (HttpRule r : p.httpRequestRules()) {
            if (!(r.action() instanceof HttpAction.UseService)) {
                httpRule(r, "http-request", false, where);
            } else if (!onlyServices) {
                refuse(r.location(), "http-request " + actionWord(r), where,
                        "use-service rules in a backend, in mode tcp, or beside other request rules");
            }
        }
        for (HttpRule r : p.httpResponseRules()) {
            httpRule(r, "http-response", true, where);
        }
        for (LogTarget l : p.logs()) {
            logTarget(l, where);
        }
        if (tcp) {
            p.captures().forEach(c -> refuse(c.location(), "capture " + c.direction().name().toLowerCase()
                    + " header", where, "header captures in mode tcp (there are no headers to capture)"));
        }
        if (p.kind().isBackend()) {
            balance(p, where);
        }
        if (p.kind().isBackend() && p.healthCheck().kind() == HealthCheck.Kind.TCP_SCRIPT) {
            List<HealthCheck.TcpStep> steps = p.healthCheck().tcpSteps();
            for (int i = 1; i < steps.size(); i++) {
                if (steps.get(i).kind() == HealthCheck.TcpStep.Kind.CONNECT) {
                    refuse(steps.get(i).location(), "tcp-check connect", where,
                            "second connection in a tcp-check script (connect may only come first)");
                }
            }
        }
        p.options().forEach((option, value) -> {
            if (!value.value()) {
                return;
            }
            if (NOT_IMPLEMENTED_OPTIONS.contains(option)) {
                refuse(value.location(), "option " + option.word(), where, "this option");
            }
        });
        if (p.kind().isFrontend()) {
            for (Bind b : p.binds()) {
                bind(b, where);
            }
        }
        if (p.kind().isBackend()) {
            for (Server s : p.servers()) {
                server(p, s, where);
            }
        }
    }

    /**
     * Unix syslog sockets are datagram sockets, which only Netty's epoll transport offers; where a native
     * transport runs, epoll is there too (the log sink has its own epoll loop).
     */
    private void logTarget(LogTarget l, String where) {
        if (l.kind() == LogTarget.Kind.UNIX && !transport.isNative()) {
            refuse(l.location(), "log " + l.target(), where, "unix datagram sockets without the epoll transport "
                    + "(log to a UDP address, stdout or stderr)");
        }
    }

    private void bind(Bind b, String where) {
        if (b.address().kind() == Address.Kind.UNIX && !transport.supportsUnixSockets()) {
            refuse(b.location(), "bind " + b.address(), where, "unix socket listeners without a native transport "
                    + "(Ferry's unix sockets are Netty's io_uring or epoll channels; listen on an ADDRESS:PORT)");
        }
        if (b.address().kind() == Address.Kind.FD && !transport.supportsInheritedSockets()) {
            refuse(b.location(), "bind " + b.address(), where, inheritedWithout());
        }
        if (b.tcpUserTimeoutMs() > 0 && !transport.supportsTcpUserTimeout()) {
            refuse(b.location(), "tcp-ut", where, "TCP_USER_TIMEOUT without a native transport");
        }
        if (b.v6only()) {
            refuse(b.location(), "v6only", where, "v6only");
        }
    }

    private void server(Proxy p, Server s, String where) {
        ServerOptions o = s.options();
        String at = where + ", server " + s.name();
        if (s.address().kind() == Address.Kind.FD) {
            refuse(s.location(), "server address " + s.address(), at, "fd@ servers");
        }
        if (s.address().kind() == Address.Kind.UNIX && !transport.supportsUnixSockets()) {
            refuse(s.location(), "server address " + s.address(), at, "unix socket servers without a native transport");
        }
        if (s.address().kind() == Address.Kind.UNIX && o.check() && unixCheckElsewhere(p, s)) {
            refuse(s.location(), "check", at, "checks of a unix socket server on another address or port (its "
                    + "checks use its socket: remove 'addr', 'port' and 'tcp-check connect port')");
        }
        if (s.address().kind() == Address.Kind.UNIX && o.tcpUserTimeoutMs() > 0) {
            refuse(s.location(), "tcp-ut", at, "TCP options on unix socket servers (tcp-ut applies to TCP only)");
        }
        if (o.observe() != ServerOptions.Observe.NONE && !HealthChecks.checked(p, s)) {
            // HAProxy counts the errors but cannot act on them without a check: nothing would happen.
            problems.add(new Problem(s.location(), prefix(s.location()) + "'observe' (" + at + ") has no effect "
                    + "without health checks on this server: add 'check' (with a port to check), or remove "
                    + "'observe'"));
        }
        if (o.tcpUserTimeoutMs() > 0 && !transport.supportsTcpUserTimeout()) {
            refuse(s.location(), "tcp-ut", at, "TCP_USER_TIMEOUT without a native transport");
        }
    }

    /** {@code auth} and {@code use-service} are not implemented; values must be renderable while a rule runs. */
    private void httpRule(HttpRule r, String side, boolean response, String where) {
        String keyword = side + " " + actionWord(r);
        if (r.action() instanceof HttpAction.Auth) {
            refuse(r.location(), keyword, where, "HTTP authentication (userlists)");
        }
        for (LogFormat f : formats(r.action())) {
            String problem = SampleFormat.problem(f, response);
            if (problem != null) {
                problems.add(new Problem(r.location(), r.location() + ": '" + keyword + "' (" + where + ") cannot be "
                        + "evaluated by Ferry: " + problem));
            }
        }
    }

    private static List<LogFormat> formats(HttpAction a) {
        if (a instanceof HttpAction.SetHeader h) {
            return List.of(h.value());
        } else if (a instanceof HttpAction.AddHeader h) {
            return List.of(h.value());
        } else if (a instanceof HttpAction.ReplaceHeader h) {
            return List.of(h.replacement());
        } else if (a instanceof HttpAction.SetPath h) {
            return List.of(h.path());
        } else if (a instanceof HttpAction.SetQuery h) {
            return List.of(h.query());
        } else if (a instanceof HttpAction.SetUri h) {
            return List.of(h.uri());
        } else if (a instanceof HttpAction.Redirect h) {
            return List.of(h.target());
        } else if (a instanceof HttpAction.Return h && h.bodyFormat() != null) {
            return List.of(h.bodyFormat());
        }
        return List.of();
    }

    private static String actionWord(HttpRule r) {
        String n = r.action().getClass().getSimpleName();
        StringBuilder b = new StringBuilder();
        for (char c : n.toCharArray()) {
            if (Character.isUpperCase(c) && b.length() > 0) {
                b.append('-');
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** The hash functions and modifiers of {@code hash-type}, and {@code random(N)}, are not applied yet. */
    private void balance(Proxy p, String where) {
        Balance b = p.balance();
        if (b.hashFunction() != Balance.DEFAULT.hashFunction()) {
            refuse(p.location(), "hash-type " + b.hashFunction().name().toLowerCase(java.util.Locale.ROOT), where,
                    "HAProxy's hash functions (Ferry hashes with FNV-1a; remove the function name)");
        }
        if (b.avalanche()) {
            refuse(p.location(), "hash-type avalanche", where, "the avalanche modifier");
        }
        if (b.algorithm() == Balance.Algorithm.RANDOM && b.draws() != Balance.DEFAULT.draws()) {
            refuse(p.location(), "balance random(" + b.draws() + ")", where, "a number of draws for random "
                    + "(write 'balance random')");
        }
    }

    /** Whether checks of unix socket server {@code s} would go elsewhere than its socket. */
    private static boolean unixCheckElsewhere(Proxy p, Server s) {
        List<HealthCheck.TcpStep> steps = p.healthCheck().kind() == HealthCheck.Kind.TCP_SCRIPT
                ? p.healthCheck().tcpSteps() : List.of();
        boolean connectPort = !steps.isEmpty() && steps.get(0).kind() == HealthCheck.TcpStep.Kind.CONNECT
                && steps.get(0).port() > 0;
        return s.options().checkPort() > 0 || s.options().checkAddress() != null || connectPort;
    }

    /** What is missing for an inherited socket ({@code fd@}) on this transport. */
    private String inheritedWithout() {
        if (transport == Transport.IO_URING) {
            return "inherited listening sockets (fd@) in a process that runs on io_uring, chosen at start when its "
                    + "configuration inherited none (restart Ferry: a configuration with an fd@ listener starts on epoll)";
        }
        return "inherited listening sockets (fd@) without the epoll transport (Java NIO cannot take over a descriptor)";
    }

    private static String prefix(Location location) {
        return location.isKnown() ? location + ": " : "";
    }

    private void refuse(Location location, String keyword, String where, String feature) {
        problems.add(new Problem(location, prefix(location) + "'" + keyword + "' (" + where + ") is not implemented yet: "
                + "Ferry's runtime has no " + feature + " so far"));
    }
}
