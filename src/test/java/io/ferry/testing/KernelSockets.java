package io.ferry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's own view of TCP sockets, from {@code /proc/net/tcp} and {@code /proc/net/tcp6}:
 * what a proxy really holds, whatever its counters say.
 */
public final class KernelSockets {

    /**
     * One socket: local and remote ports, its state, e.g. {@code ESTABLISHED}, {@code FIN_WAIT2}, and
     * its inode, 0 when no process holds it any more (an orphan the kernel finishes alone).
     */
    public record Entry(int localPort, int remotePort, String state, long inode) {

        /** Whether a process still holds this socket's descriptor. */
        public boolean held() {
            return inode != 0;
        }
    }

    private static final String[] STATES = {"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    private KernelSockets() {
    }

    public static List<Entry> all() {
        List<Entry> out = new ArrayList<>(ipv4());
        out.addAll(read("/proc/net/tcp6"));
        return out;
    }

    /** The IPv4 sockets only ({@code /proc/net/tcp}): a dual-stack socket is listed in the other table. */
    public static List<Entry> ipv4() {
        return read("/proc/net/tcp");
    }

    private static List<Entry> read(String file) {
        List<Entry> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                out.add(new Entry(local, remote, STATES[Integer.parseInt(f[3], 16)], Long.parseLong(f[9])));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return out;
    }

    /**
     * The sockets a proxy listening on {@code proxyPort} and connecting to {@code serverPort} holds,
     * not counting its listener and TIME_WAIT remnants (which hold no descriptor).
     */
    public static List<Entry> heldByProxy(int proxyPort, int serverPort) {
        return all().stream()
                .filter(e -> !e.state().equals("LISTEN") && !e.state().equals("TIME_WAIT"))
                .filter(e -> e.localPort() == proxyPort || e.remotePort() == serverPort)
                .toList();
    }
}
