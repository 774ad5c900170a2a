package io.ferry.config.advisor;

import io.ferry.config.Address;
import io.ferry.config.Config;
import io.ferry.config.Located;
import io.ferry.config.Proxy;
import io.ferry.config.ProxyOption;
import io.ferry.config.SectionKind;
import io.ferry.config.Server;
import io.ferry.config.TimeoutKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Settings that do something other than what they seem to, and sections nothing uses. */
final class SectionRules implements Advisor.Rule {

    /** How long the check-address rule waits for a server to accept a connection. */
    static final int PROBE_TIMEOUT_MS = 300;
    /** At most this many servers are probed, so that {@code -c} stays quick on large configurations. */
    static final int MAX_PROBES = 64;

    @Override
    public void check(Config config, MachineFacts machine, List<Finding> out) {
        nbproc(config, out);
        for (Proxy d : config.defaults().values()) {
            nolinger(d, out);
        }
        int probes = 0;
        for (Proxy b : config.backends()) {
            retries(b, out);
            unused(config, b, out);
            for (Server s : b.servers()) {
                if (machine.probeServers() && s.options().check() && probes++ < MAX_PROBES) {
                    unreachable(b, s).ifPresent(out::add);
                }
            }
        }
    }

    private static void nbproc(Config config, List<Finding> out) {
        Located<Integer> nbproc = config.global().nbproc();
        if (nbproc == null) {
            return;
        }
        out.add(new Finding(Finding.Severity.NOTICE, nbproc.location(), "global", "nbproc " + nbproc.value()
                + " has no effect: Ferry is one process whose event-loop threads share every limit, so maxconn is "
                + "not split between processes (HAProxy 2.5 and later refuse nbproc)",
                "nbthread " + Math.max(1, nbproc.value()), "nbproc"));
    }

    private static void nolinger(Proxy defaults, List<Finding> out) {
        Located<Boolean> nolinger = defaults.options().get(ProxyOption.NOLINGER);
        if (nolinger == null || !nolinger.value()) {
            return;
        }
        out.add(new Finding(Finding.Severity.WARNING, nolinger.location(), defaults.toString(), "option nolinger in "
                + "defaults makes every proxy that inherits it close with a TCP reset, discarding data not yet "
                + "delivered to the peer; HAProxy's manual discourages it and points to the fin timeouts",
                "no option nolinger, then timeout client-fin 30s and timeout server-fin 30s", "nolinger-defaults"));
    }

    private static void retries(Proxy b, List<Finding> out) {
        if (!b.retriesLocation().isKnown() || b.retries() == 0 || b.option(ProxyOption.REDISPATCH)) {
            return;
        }
        String perAttempt = b.timeout(TimeoutKind.CONNECT).map(c -> " of up to " + Durations.format(c.value()))
                .orElse("");
        out.add(new Finding(Finding.Severity.NOTICE, b.retriesLocation(), b.toString(), "retries " + b.retries()
                + " without option redispatch retries the same server: when it is down, a request waits "
                + (b.retries() + 1) + " connection attempts" + perAttempt + " before it fails, even when another "
                + "server is up", "option redispatch", "retries-redispatch"));
    }

    private static void unused(Config config, Proxy b, List<Finding> out) {
        if (b.kind() != SectionKind.BACKEND || !Routing.frontendsOf(config, b).isEmpty()) {
            return;
        }
        out.add(new Finding(Finding.Severity.NOTICE, b.location(), b.toString(), "no frontend routes here: no "
                + "default_backend or use_backend names it, so its servers never receive a request",
                "default_backend " + b.name() + " (or use_backend " + b.name() + " if COND) in a frontend, "
                        + "or remove the section", "unused-backend"));
    }

    /** A server with {@code check} whose address cannot be reached now: its checks will fail. */
    static Optional<Finding> unreachable(Proxy b, Server s) {
        Address a = s.address();
        String why;
        if (a.kind() == Address.Kind.UNIX) {
            why = Files.exists(Path.of(a.path())) ? null : "the socket file " + a.path() + " does not exist";
        } else if (a.kind() == Address.Kind.INET && a.address() != null && a.port() > 0) {
            int port = s.options().checkPort() > 0 ? s.options().checkPort() : a.port();
            why = probe(new InetSocketAddress(s.options().checkAddress() != null ? s.options().checkAddress()
                    : a.address(), port));
        } else {
            why = null;
        }
        if (why == null) {
            return Optional.empty();
        }
        long downAfter = (long) s.options().inter() * s.options().fall();
        return Optional.of(new Finding(Finding.Severity.WARNING, s.location(), b.toString(), "server " + s.name()
                + " has check, but " + why + " now: its checks will fail and it will be marked DOWN within inter "
                + "× fall = " + Durations.format(downAfter) + " of start-up",
                "start the server first, or correct the address on line " + s.location().line(), "check-address"));
    }

    /** Null when a TCP connection to {@code target} succeeds, otherwise what went wrong. */
    private static String probe(InetSocketAddress target) {
        try (Socket socket = new Socket()) {
            socket.connect(target, PROBE_TIMEOUT_MS);
            return null;
        } catch (ConnectException e) {
            return "nothing accepts connections on " + target.getAddress().getHostAddress() + ":" + target.getPort();
        } catch (SocketTimeoutException e) {
            return target.getAddress().getHostAddress() + ":" + target.getPort() + " does not answer within "
                    + PROBE_TIMEOUT_MS + "ms";
        } catch (IOException e) {
            return target.getAddress().getHostAddress() + ":" + target.getPort() + " cannot be reached ("
                    + e.getMessage() + ")";
        }
    }
}
