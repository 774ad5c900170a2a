package io.ferry.config.advisor;

import io.ferry.config.Address;
import io.ferry.config.Config;
import io.ferry.config.Located;
import io.ferry.config.Proxy;
import io.ferry.config.Server;
import io.ferry.config.TimeoutKind;
import java.util.List;

/** Limits the configuration promises that the machine or the servers cannot keep. */
final class CapacityRules implements Advisor.Rule {

    /** Descriptors the JVM itself holds (jars, epoll, pipes, standard streams), a rough allowance. */
    static final int JVM_DESCRIPTORS = 32;
    /** Heap per proxied connection beyond its two buffers: channels, pipelines, the stream. */
    static final int CONNECTION_OVERHEAD_BYTES = 16 * 1024;

    @Override
    public void check(Config config, MachineFacts machine, List<Finding> out) {
        Located<Integer> maxconn = config.global().maxconn();
        if (maxconn != null && maxconn.value() > 0) {
            descriptors(config, maxconn, machine, out);
            memory(config, maxconn, machine, out);
        }
        for (Proxy b : config.backends()) {
            ports(config, b, machine, out);
            queue(config, b, out);
        }
    }

    /** Rule 3: two descriptors per proxied connection, plus listeners, checks, logs and the JVM's own. */
    private static void descriptors(Config config, Located<Integer> maxconn, MachineFacts machine,
                                    List<Finding> out) {
        long limit = machine.descriptorLimit();
        if (limit <= 0) {
            return;
        }
        long listeners = config.frontends().stream().mapToLong(f -> f.binds().size()).sum();
        long checks = config.backends().stream().flatMap(b -> b.servers().stream())
                .filter(s -> s.options().check()).count();
        long logs = config.global().logs().size() + config.global().statsSockets().size();
        long fixed = listeners + checks + logs + JVM_DESCRIPTORS;
        long needed = 2L * maxconn.value() + fixed;
        if (needed <= limit) {
            return;
        }
        long fits = Math.max(0, (limit - fixed) / 2);
        out.add(new Finding(Finding.Severity.WARNING, maxconn.location(), "global", "maxconn " + maxconn.value()
                + " needs about " + needed + " file descriptors (2 per proxied connection, plus " + listeners
                + " listeners, " + checks + " health checks, " + logs + " log and stats sockets and about "
                + JVM_DESCRIPTORS + " for the JVM) but this process may open " + limit
                + ": beyond about " + fits + " connections, accepting and connecting fail with 'too many open files'",
                "maxconn " + fits + ", or raise the limit to " + needed + " (LimitNOFILE= in the service, ulimit -n)",
                "fd-limit"));
    }

    /** Rule 3: each proxied connection holds two buffers of {@code tune.bufsize} plus its objects. */
    private static void memory(Config config, Located<Integer> maxconn, MachineFacts machine, List<Finding> out) {
        long perConnection = 2L * config.global().bufsize() + CONNECTION_OVERHEAD_BYTES;
        long needed = perConnection * maxconn.value();
        long heap = machine.maxHeapBytes();
        if (heap <= 0 || needed <= heap) {
            return;
        }
        long fits = heap / perConnection;
        out.add(new Finding(Finding.Severity.WARNING, maxconn.location(), "global", "maxconn " + maxconn.value()
                + " at about " + perConnection / 1024 + " KiB per busy proxied connection (two buffers of tune.bufsize "
                + config.global().bufsize() + " and the connection's objects) needs about " + mib(needed)
                + " MiB of heap; this JVM may use at most " + mib(heap) + " MiB, enough for about " + fits
                + " busy connections", "maxconn " + fits + ", or start the JVM with -Xmx" + (mib(needed) + 64) + "m",
                "memory"));
    }

    /** Rule 3: more connections towards one server address than there are local ports to open them from. */
    private static void ports(Config config, Proxy b, MachineFacts machine, List<Finding> out) {
        int ports = machine.ephemeralPorts();
        if (ports <= 0) {
            return;
        }
        long towards = inbound(config, b);
        if (towards == 0) {
            return;
        }
        for (Server s : b.servers()) {
            if (s.address().kind() != Address.Kind.INET) {
                continue;
            }
            long most = s.options().maxconn() > 0 ? Math.min(s.options().maxconn(), towards) : towards;
            if (most > ports) {
                out.add(new Finding(Finding.Severity.WARNING, s.location(), b.toString(), "server " + s.name()
                        + " may be sent up to " + most + " connections at once, but the kernel has only " + ports
                        + " local ports (net.ipv4.ip_local_port_range) for connections to one address: beyond that, "
                        + "connecting fails with 'cannot assign requested address'",
                        "server " + s.name() + " " + s.address() + " maxconn " + ports
                                + ", or widen net.ipv4.ip_local_port_range", "port-range"));
            }
        }
    }

    /** Rule 4: servers that together take fewer connections than the frontends let in, and no queue timeout. */
    private static void queue(Config config, Proxy b, List<Finding> out) {
        if (b.servers().isEmpty() || b.servers().stream().anyMatch(s -> s.options().maxconn() <= 0)
                || b.timeout(TimeoutKind.QUEUE).isPresent()) {
            return;
        }
        long capacity = b.servers().stream().mapToLong(s -> s.options().maxconn()).sum();
        long inbound = inbound(config, b);
        if (inbound == 0 || inbound <= capacity) {
            return;
        }
        String wait = b.timeout(TimeoutKind.CONNECT)
                .map(c -> "wait in the queue for timeout connect (" + Durations.format(c.value())
                        + ", as timeout queue is not set), then get 503")
                .orElse("wait in the queue with no time limit (neither timeout queue nor timeout connect is set)");
        out.add(new Finding(Finding.Severity.WARNING, b.location(), b.toString(), "its servers take " + capacity
                + " connections together (server maxconn) but up to " + inbound + " can arrive: the other "
                + (inbound - capacity) + " " + wait, "timeout queue 10s", "queue"));
    }

    /** The most connections the frontends routing to {@code b} can bring at once; 0 when no limit is known. */
    private static long inbound(Config config, Proxy b) {
        long sum = 0;
        for (Proxy f : Routing.frontendsOf(config, b)) {
            Located<Integer> m = Routing.maxconn(config, f);
            if (m == null) {
                return 0;
            }
            sum += m.value();
        }
        Located<Integer> global = config.global().maxconn();
        return global != null && global.value() > 0 ? Math.min(sum, global.value()) : sum;
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
